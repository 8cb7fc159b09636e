import { describe, expect, it } from "vitest";
import { CoalescedTask } from "../../shared/chat/coalesced-task";

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

describe("CoalescedTask", () => {
  it("runs once for every request made before it runs, and again for a request after", async () => {
    let runs = 0;
    const task = new CoalescedTask(() => runs++, 0);
    task.request();
    task.request();
    task.request();
    expect(task.pending).toBe(true);
    expect(runs).toBe(0);
    await tick(5);
    expect(runs).toBe(1);
    expect(task.pending).toBe(false);
    task.request();
    await tick(5);
    expect(runs).toBe(2);
  });

  it("waits its delay from the first request", async () => {
    let runs = 0;
    const task = new CoalescedTask(() => runs++, 30);
    task.request();
    await tick(5);
    task.request();
    expect(runs).toBe(0);
    await tick(60);
    expect(runs).toBe(1);
  });

  it("a cancelled run does not happen", async () => {
    let runs = 0;
    const task = new CoalescedTask(() => runs++, 0);
    task.request();
    task.cancel();
    await tick(5);
    expect(runs).toBe(0);
    expect(task.pending).toBe(false);
  });
});
