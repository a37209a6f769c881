/**
 * How long tests wait before they give up on a condition. Tests wait on conditions (a process
 * printed its port, a task reached a state), never for fixed times; the bound only decides when
 * a condition that never comes is reported. On a machine with both cores busy (CI, or other work
 * beside `npm test`) starting an `agora` process through tsx, or a task's round trip, can take
 * many times longer than on an idle one, so every bound a test states is multiplied by this
 * factor: 6 by default, `AGORA_TEST_PATIENCE` to change it. A condition that does come costs
 * nothing more; one that never does fails after the longer wait, inside ava's inactivity timeout.
 */
export const PATIENCE = (() => {
  const raw = Number(process.env.AGORA_TEST_PATIENCE ?? 6);
  return Number.isFinite(raw) && raw >= 1 ? raw : 6;
})();

/** A test's own bound for a wait, stretched by {@link PATIENCE}. */
export function patient(ms: number): number {
  return ms * PATIENCE;
}
