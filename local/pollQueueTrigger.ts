import { setTimeout as delay } from "node:timers/promises";
import type { DequeuedMessageItem, QueueClient } from "@azure/storage-queue";
import { decodeQueueMessage } from "./decodeQueueMessage";
import type { HostQueueSettings } from "./hostQueueSettings";

export interface QueueTriggerMessage {
  /** The decoded body the function receives (the library parses it as JSON when it is JSON). */
  readonly body: string;
  readonly id: string;
  readonly dequeueCount: number;
  readonly insertionTime: Date;
  readonly expirationTime: Date;
  readonly nextVisibleTime: Date;
  readonly popReceipt: string;
}

/** What the listener does, for logs and for tests that wait on it instead of on time. */
export type QueueTriggerEvent =
  | { readonly kind: "received"; readonly queue: string; readonly count: number; readonly inFlight: number }
  | { readonly kind: "atCapacity"; readonly queue: string; readonly inFlight: number }
  | { readonly kind: "idle"; readonly queue: string; readonly nextPollMs: number }
  | { readonly kind: "leaseRenewed"; readonly queue: string; readonly id: string }
  | { readonly kind: "completed"; readonly queue: string; readonly id: string }
  | {
      readonly kind: "failed";
      readonly queue: string;
      readonly id: string;
      readonly dequeueCount: number;
      readonly error: string;
    }
  | { readonly kind: "poisoned"; readonly queue: string; readonly id: string; readonly reason: string }
  | { readonly kind: "leftInvisible"; readonly queue: string; readonly id: string; readonly leaseSeconds: number }
  | { readonly kind: "storageError"; readonly queue: string; readonly error: string };

export interface QueueTriggerOptions {
  readonly queue: QueueClient;
  /**
   * Where a message goes after `maxDequeueCount` failures. Undefined for a queue whose name ends in
   * `-poison`: the host gives such a queue no poison queue of its own, so a message that fails
   * there stays invisible for its lease and comes back, again and again, until its time to live.
   */
  readonly poisonQueue: QueueClient | undefined;
  readonly settings: HostQueueSettings;
  /** How long a received message stays invisible while its function runs; renewed at half time. */
  readonly leaseSeconds: number;
  /** Runs the function; a throw or rejection is a failure. */
  readonly invoke: (message: QueueTriggerMessage) => Promise<void>;
  readonly onEvent: (event: QueueTriggerEvent) => void;
}

export interface RunningQueueTrigger {
  /** Stops polling and waits for the functions already running. */
  stop(): Promise<void>;
}

/** The host's shortest polling interval; it doubles while the queue is empty, up to maxPollingInterval. */
const minimumPollingMs = 100;

function statusCodeOf(error: unknown): number | undefined {
  const statusCode = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof statusCode === "number" ? statusCode : undefined;
}

/**
 * The Storage queue trigger's listener, with the host's semantics: fetch up to `batchSize`
 * messages whenever no more than `newBatchThreshold` are running, each under a lease; run the
 * function for each concurrently; delete on success; on failure make it visible again after
 * `visibilityTimeout`, or — once its dequeue count reaches `maxDequeueCount`, or when it cannot
 * be decoded — copy it to `<queue>-poison` and delete it. An empty (or missing) queue is polled
 * with exponential back-off up to `maxPollingInterval`.
 */
export function pollQueueTrigger(options: QueueTriggerOptions): RunningQueueTrigger {
  const { queue, poisonQueue, settings, leaseSeconds, onEvent } = options;
  const queueName = queue.name;
  const stopping = new AbortController();
  const inFlight = new Set<Promise<void>>();
  const maxPollingMs = Math.max(settings.maxPollingIntervalMs, 1);

  async function poison(message: DequeuedMessageItem, popReceipt: string, reason: string): Promise<void> {
    if (poisonQueue === undefined) {
      // Nowhere to move it: the message keeps the lease it was received with and returns after it.
      onEvent({ kind: "leftInvisible", queue: queueName, id: message.messageId, leaseSeconds });
      return;
    }
    await poisonQueue.createIfNotExists();
    await poisonQueue.sendMessage(message.messageText);
    await queue.deleteMessage(message.messageId, popReceipt);
    onEvent({ kind: "poisoned", queue: queueName, id: message.messageId, reason });
  }

  async function run(message: DequeuedMessageItem): Promise<void> {
    let popReceipt = message.popReceipt;
    const body =
      settings.messageEncoding === "base64" ? decodeQueueMessage(message.messageText, "base64") : message.messageText;
    if (body === undefined) return poison(message, popReceipt, "the message is not valid base64");
    // A message that outlived earlier hosts (crashes) is not run again past its dequeue limit.
    if (poisonQueue !== undefined && message.dequeueCount > settings.maxDequeueCount) {
      return poison(message, popReceipt, `dequeue count ${message.dequeueCount} exceeds ${settings.maxDequeueCount}`);
    }
    let renewal = Promise.resolve();
    const renewTimer = setInterval(() => {
      renewal = renewal
        .then(async () => {
          const updated = await queue.updateMessage(message.messageId, popReceipt, undefined, leaseSeconds);
          popReceipt = updated.popReceipt ?? popReceipt;
          onEvent({ kind: "leaseRenewed", queue: queueName, id: message.messageId });
        })
        .catch((error: unknown) => onEvent({ kind: "storageError", queue: queueName, error: String(error) }));
    }, leaseSeconds * 500);
    let failure: unknown;
    let failed = false;
    try {
      await options.invoke({
        body,
        id: message.messageId,
        dequeueCount: message.dequeueCount,
        insertionTime: message.insertedOn,
        expirationTime: message.expiresOn,
        nextVisibleTime: message.nextVisibleOn,
        popReceipt,
      });
    } catch (error: unknown) {
      failed = true;
      failure = error;
    } finally {
      clearInterval(renewTimer);
      await renewal;
    }
    if (!failed) {
      await queue.deleteMessage(message.messageId, popReceipt);
      onEvent({ kind: "completed", queue: queueName, id: message.messageId });
      return;
    }
    onEvent({
      kind: "failed",
      queue: queueName,
      id: message.messageId,
      dequeueCount: message.dequeueCount,
      error: failure instanceof Error ? failure.message : String(failure),
    });
    if (poisonQueue === undefined || message.dequeueCount >= settings.maxDequeueCount) {
      return poison(message, popReceipt, `failed ${message.dequeueCount} times`);
    }
    await queue.updateMessage(message.messageId, popReceipt, undefined, Math.ceil(settings.visibilityTimeoutMs / 1000));
  }

  function start(message: DequeuedMessageItem): void {
    const running = run(message)
      .catch((error: unknown) => onEvent({ kind: "storageError", queue: queueName, error: String(error) }))
      .finally(() => inFlight.delete(running));
    inFlight.add(running);
  }

  async function receive(): Promise<DequeuedMessageItem[]> {
    try {
      const response = await queue.receiveMessages({
        numberOfMessages: settings.batchSize,
        visibilityTimeout: leaseSeconds,
        abortSignal: stopping.signal,
      });
      return response.receivedMessageItems;
    } catch (error: unknown) {
      if (stopping.signal.aborted) return [];
      // The host treats a queue that does not exist (yet) as empty.
      if (statusCodeOf(error) !== 404) onEvent({ kind: "storageError", queue: queueName, error: String(error) });
      return [];
    }
  }

  async function loop(): Promise<void> {
    let pollingMs = Math.min(minimumPollingMs, maxPollingMs);
    while (!stopping.signal.aborted) {
      if (inFlight.size > settings.newBatchThreshold) {
        onEvent({ kind: "atCapacity", queue: queueName, inFlight: inFlight.size });
        await Promise.race([...inFlight]);
        continue;
      }
      const messages = await receive();
      if (stopping.signal.aborted) break;
      if (messages.length > 0) {
        pollingMs = Math.min(minimumPollingMs, maxPollingMs);
        for (const message of messages) start(message);
        onEvent({ kind: "received", queue: queueName, count: messages.length, inFlight: inFlight.size });
        continue;
      }
      onEvent({ kind: "idle", queue: queueName, nextPollMs: pollingMs });
      await delay(pollingMs, undefined, { signal: stopping.signal }).catch(() => undefined);
      pollingMs = Math.min(pollingMs * 2, maxPollingMs);
    }
  }

  const looping = loop();
  return {
    stop: async () => {
      stopping.abort();
      await looping;
      await Promise.all([...inFlight]);
    },
  };
}
