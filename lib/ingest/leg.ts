import type { Cdr } from "./validate";

/** A validated, rated leg on its way to the database; times in epoch milliseconds. */
export type StagedLeg = {
  line: number;
  accountId: number;
  roomId: number;
  conferenceExt: string;
  legExt: string;
  serviceType: string;
  joinedMs: number;
  leftMs: number;
  durationS: number;
  billableS: number;
  chargeMinor: number;
  participantName: string;
  callerNumber: string;
  dialedNumber: string;
  keypadCode: string | undefined;
  product: string | undefined;
};

/** The room a CDR names, as the batch's principal may use it. */
export type Room = { accountId: number; roomId: number; product: string };

/** A leg's length in whole seconds, as it is stored and rated. */
export const legSeconds = (cdr: Cdr) => Math.round((cdr.endedMs - cdr.startedMs) / 1000);

/**
 * The bridge's CDR as the leg stored: in its room's account and room, with its length and its
 * rating; the bridge's names of things (conference, leg, caller, billing code) become the legs
 * table's. Runs once per leg of a batch.
 */
export function stagedLeg(cdr: Cdr, room: Room, durationS: number, rated: { billableS: number; chargeMinor: number }): StagedLeg {
  return {
    line: cdr.line,
    accountId: room.accountId,
    roomId: room.roomId,
    conferenceExt: cdr.conferenceId,
    legExt: cdr.legId,
    serviceType: cdr.serviceType,
    joinedMs: cdr.startedMs,
    leftMs: cdr.endedMs,
    durationS,
    billableS: rated.billableS,
    chargeMinor: rated.chargeMinor,
    participantName: cdr.callerName,
    callerNumber: cdr.callerNumber,
    dialedNumber: cdr.dialedNumber,
    keypadCode: cdr.billingCode,
    product: cdr.product,
  };
}
