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
