/**
 * When a leg's quality is reported poor: the MOS of a sample drops below the threshold (QUALITY_POOR_MOS) → one
 * `call.quality-poor`. Hysteresis: the leg is reported again only after a real recovery, its MOS above
 * threshold + RECOVERY_MARGIN for RECOVERY_SAMPLES samples in a row; a MOS that wavers around the threshold gives
 * one alert, not one per sample.
 */

export const RECOVERY_MARGIN = 0.5;
export const RECOVERY_SAMPLES = 3;

/** `watching`: a drop alerts; `poor`: alerted, counting good samples in a row towards the recovery. */
export type AlertState = { kind: 'watching' } | { kind: 'poor'; goodRun: number };

/**
 * `poor`: the drop to report; `good-sample` / `not-good-sample`: a sample of a poor leg above / not above the recovery
 * mark; `recovered`: the last good sample of the run (the next drop is reported again).
 */
export type AlertEvent =
  | { kind: 'poor'; mos: number }
  | { kind: 'good-sample' }
  | { kind: 'not-good-sample' }
  | { kind: 'recovered' };

export const initialAlertState: AlertState = { kind: 'watching' };

export function decideAlert(state: AlertState, mos: number, threshold: number): AlertEvent[] {
  switch (state.kind) {
    case 'watching':
      return mos < threshold ? [{ kind: 'poor', mos }] : [];
    case 'poor': {
      if (!(mos > threshold + RECOVERY_MARGIN)) return [{ kind: 'not-good-sample' }];
      return state.goodRun + 1 >= RECOVERY_SAMPLES ? [{ kind: 'recovered' }] : [{ kind: 'good-sample' }];
    }
    default: {
      const never: never = state;
      throw new Error(`unknown alert state ${String(never)}`);
    }
  }
}

export function evolveAlert(state: AlertState, event: AlertEvent): AlertState {
  switch (event.kind) {
    case 'poor':
    case 'not-good-sample':
      return { kind: 'poor', goodRun: 0 };
    case 'good-sample':
      return { kind: 'poor', goodRun: state.kind === 'poor' ? state.goodRun + 1 : 1 };
    case 'recovered':
      return { kind: 'watching' };
    default: {
      const never: never = event;
      throw new Error(`unknown alert event ${String(never)}`);
    }
  }
}
