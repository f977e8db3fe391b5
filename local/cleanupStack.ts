/** What a run has set up, undone last first; a step that fails to undo does not keep the others from it. */
export interface CleanupStack {
  defer(undo: () => void | Promise<void>): void;
  /** Undoes everything deferred so far; rejects with an AggregateError naming the steps that failed. */
  unwind(): Promise<void>;
}

export function createCleanupStack(): CleanupStack {
  const steps: Array<() => void | Promise<void>> = [];
  return {
    defer: (undo) => {
      steps.push(undo);
    },
    unwind: async () => {
      const failures: unknown[] = [];
      for (let undo = steps.pop(); undo !== undefined; undo = steps.pop()) {
        try {
          await undo();
        } catch (error) {
          failures.push(error);
        }
      }
      if (failures.length > 0) throw new AggregateError(failures, "some of the demo could not be stopped");
    },
  };
}
