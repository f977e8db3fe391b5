import { RestError } from "@azure/core-rest-pipeline";

/**
 * The most of one ARM answer the app reads, counted after decompression. ARM's pages are hundreds
 * of KiB (a few hundred sessions or host pools); anything near this is not a page but a fault, and
 * reading it would cost the instance its memory (a Flex instance has 2 GiB, shared by every request
 * and job delivery in flight). The answer is abandoned, its connection destroyed, and the call fails.
 */
export const maxArmAnswerBytes = 32 * 1024 * 1024;

export const answerTooLargeCode = "ArmAnswerTooLarge";

export function answerTooLarge(statusCode: number): RestError {
  return new RestError(
    `The service's answer passed ${maxArmAnswerBytes / (1024 * 1024)} MiB and was abandoned unread.`,
    { code: answerTooLargeCode, statusCode },
  );
}
