const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The trigger's view of a message body: with `messageEncoding` base64 (the default) the text must
 * be valid base64 — otherwise undefined, and the host sends the message to the poison queue —
 * and is decoded as UTF-8; with `none` it is passed as is.
 */
export function decodeQueueMessage(messageText: string, encoding: "base64" | "none"): string | undefined {
  if (encoding === "none") return messageText;
  // .NET's Convert.FromBase64String ignores white space; so do we.
  const compact = messageText.replace(/\s/g, "");
  if (!base64.test(compact)) return undefined;
  return Buffer.from(compact, "base64").toString("utf8");
}
