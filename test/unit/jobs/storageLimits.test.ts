import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { entityLimitProblem, entitySizeBytes, queueLimits, tableLimits } from "../../../src/lib/jobs/storageLimits";
import { maxPackedBytes, packJson, unpackJson } from "../../../src/lib/jobs/packedJson";
import { maxUsersPerChunk } from "../../../src/lib/jobs/chunkUsers";
import { orderLimits } from "../../../src/lib/engine/orderLimits";
import { upnLimits } from "../../../src/lib/base/userPrincipalName";
import { chunkResultBounds, type ChunkResult } from "../../../src/lib/jobs/operationRecord";
import type { SessionResult } from "../../../src/lib/engine/report/signOutReport";

/** Letters and digits drawn at random: gzip gains almost nothing on them. */
function noise(length: number): string {
  return randomBytes(length)
    .toString("base64")
    .replace(/[^A-Za-z0-9]/g, "x")
    .slice(0, length);
}

/** The longest UPN the request schema accepts: a B2B guest's, 256 characters. */
function longestGuestUpn(): string {
  const domain = `${noise(44)}.com`;
  const local = `${noise(256 - domain.length - 1 - 5)}#EXT#`;
  return `${local}@${domain}`;
}

describe("Azure Storage's documented limits", () => {
  it("are the documented numbers", () => {
    assert.equal(tableLimits.maxEntityBytes, 1_048_576);
    assert.equal(tableLimits.maxStringLength, 32_768);
    assert.equal(tableLimits.maxBinaryBytes, 65_536);
    assert.equal(tableLimits.maxProperties, 252);
    assert.equal(tableLimits.maxTransactionEntities, 100);
    assert.equal(queueLimits.maxMessageBytes, 65_536);
  });

  it("count an entity's size as the service does: 4 + keys in UTF-16 + per property 8 + name in UTF-16 + value", () => {
    // 4 + (2 + 1) × 2 + [8 + 1×2 + (3×2 + 4)] + [8 + 1×2 + 8] + [8 + 1×2 + 1] + [8 + 1×2 + (5 + 4)]
    const size = entitySizeBytes({ partitionKey: "pk", rowKey: "r", s: "abc", n: 7, b: true, x: new Uint8Array(5) });
    assert.equal(size, 4 + 6 + 20 + 18 + 11 + 19);
  });

  it("refuse a string over 32 K characters, a binary over 64 KiB, more than 252 properties and more than 1 MiB", () => {
    const key = { partitionKey: "p", rowKey: "r" };
    assert.equal(entityLimitProblem({ ...key, s: "a".repeat(32_768) }), undefined);
    assert.match(entityLimitProblem({ ...key, s: "a".repeat(32_769) }) ?? "", /32768/);
    assert.match(entityLimitProblem({ ...key, b: new Uint8Array(65_537) }) ?? "", /65536/);
    const many = Object.fromEntries(Array.from({ length: 253 }, (_, i) => [`p${i}`, 1]));
    assert.match(entityLimitProblem({ ...key, ...many }) ?? "", /252/);
    const big = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`b${i}`, new Uint8Array(64_000)]));
    assert.match(entityLimitProblem({ ...key, ...big }) ?? "", /1048576/);
  });
});

describe("the job store fits them by construction", () => {
  it("packs a chunk's users — 200 of the longest guest UPNs, incompressible — within one entity", () => {
    assert.equal(upnLimits.maxLength, 113);
    const users = Array.from({ length: maxUsersPerChunk }, longestGuestUpn);
    assert.ok(users.every((upn) => upn.length === 256));
    assert.ok(JSON.stringify(users).length > tableLimits.maxStringLength, "would not fit one string property");
    const packed = packJson("users", users);
    assert.equal(entityLimitProblem({ partitionKey: "p".repeat(22), rowKey: "chunk-0049", ...packed }), undefined);
    assert.deepEqual(unpackJson(packed, "users"), users);
  });

  it("packs a chunk's users named by UPN and object id — 200, the longest guest UPNs — within one entity", () => {
    const users = Array.from({ length: maxUsersPerChunk }, () => ({
      userPrincipalName: longestGuestUpn(),
      objectId: noise(36),
    }));
    const packed = packJson("users", users);
    assert.equal(entityLimitProblem({ partitionKey: "p".repeat(22), rowKey: "chunk-0049", ...packed }), undefined);
    assert.deepEqual(unpackJson(packed, "users"), users);
  });

  it("packs the largest request spec: 100 host pool ids, 100 subscriptions, the longest notice and audit", () => {
    const spec = {
      batch: true,
      mode: "logoff",
      dryRun: false,
      gracePeriodMs: 86_400_000,
      verify: true,
      subscriptionIds: Array.from({ length: orderLimits.maxSubscriptionIds }, () => noise(36)),
      hostPools: Array.from({ length: orderLimits.maxHostPools }, () => noise(274)),
      notify: { title: noise(orderLimits.maxNotifyTitleLength), message: noise(orderLimits.maxNotifyMessageLength) },
      audit: {
        requestedBy: noise(orderLimits.maxRequestedByLength),
        reason: noise(orderLimits.maxReasonLength),
        caller: { name: noise(1000), objectId: noise(36), roles: Array.from({ length: 200 }, () => noise(120)) },
      },
    };
    assert.ok(JSON.stringify(spec).length > tableLimits.maxStringLength, "would not fit one string property");
    const packed = packJson("spec", spec);
    assert.equal(entityLimitProblem({ partitionKey: "p".repeat(22), rowKey: "operation", ...packed }), undefined);
  });

  it("packs the largest chunk result: 200 users, the most problem sessions and errors it keeps", () => {
    const session: SessionResult = {
      subscriptionId: noise(36),
      resourceGroup: noise(90),
      hostPool: noise(64),
      sessionHost: noise(300),
      sessionId: noise(20),
      userPrincipalName: longestGuestUpn(),
      objectId: noise(36),
      matchedBy: "userPrincipalName",
      sessionState: noise(64),
      sessionHostStatus: noise(64),
      outcome: "failed",
      error: { code: noise(64), statusCode: 500, message: noise(300) },
      notification: "failed",
      notificationError: { code: noise(64), statusCode: 500, message: noise(300) },
    };
    const counts = {
      sessionsFound: 9,
      signedOut: 9,
      alreadyGone: 9,
      wouldSignOut: 9,
      failed: 9,
      deadlineExceeded: 9,
      verified: 9,
      stillPresent: 9,
      otherAccount: 9,
      protected: 9,
      disconnected: 9,
      alreadyDisconnected: 9,
      wouldDisconnect: 9,
    };
    const result: ChunkResult = {
      status: "failed",
      strategy: "unfilteredPerHostPool",
      hostPoolsScanned: 5000,
      hostPoolsNotFound: Array.from({ length: orderLimits.maxHostPools }, () => noise(274)),
      counts,
      users: Array.from({ length: maxUsersPerChunk }, () => ({
        userPrincipalName: longestGuestUpn(),
        objectId: noise(36),
        status: "failed" as const,
        counts,
      })),
      problemSessions: Array.from({ length: chunkResultBounds.problemSessions }, () => session),
      problemSessionCount: 100_000,
      errors: Array.from({ length: chunkResultBounds.errors }, () => ({
        scope: "hostPool" as const,
        subscriptionId: noise(36),
        resourceGroup: noise(90),
        hostPool: noise(64),
        code: noise(64),
        statusCode: 500,
        message: noise(300),
      })),
      errorCount: 100_000,
      warnings: Array.from({ length: chunkResultBounds.warnings }, () => noise(300)),
    };
    assert.ok(Buffer.byteLength(JSON.stringify(result)) < maxPackedBytes, "fits even without compression");
    const packed = packJson("result", result);
    assert.equal(entityLimitProblem({ partitionKey: "p".repeat(22), rowKey: "chunk-0049", ...packed }), undefined);
  });

  it("refuses to pack a value beyond its parts rather than write an entity the service would refuse", () => {
    assert.throws(() => packJson("huge", noise(2 * maxPackedBytes)), /PackedValueTooLarge|needs/);
  });
});
