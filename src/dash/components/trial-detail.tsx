import { Box, Text } from 'ink';

import { logLineChart } from '../charts.js';
import { cell, fit } from '../format.js';
import { useLive } from '../hooks/use-live.js';
import type { DashSource } from '../source.js';
import type { SweepInfo, TrialDetail as Detail } from '../types.js';
import { Pending } from './pending.js';

export interface TrialDetailProps {
  source: DashSource;
  sweep: SweepInfo;
  trialKey: string;
  width: number;
  height: number;
}

/** Significant digits of sharpness values: the exact one is exact. */
const SHARP = 10;

/**
 * One trial: its spec, the exact sharpness beside the closed forms and
 * bounds, the step against 2/η, escape steps, and its trajectory.
 */
export function TrialDetail(props: TrialDetailProps) {
  const { source, sweep, trialKey, width, height } = props;
  // A stored trial never changes, so one read is enough.
  const live = useLive(
    () => source.call('trial', sweep.id, trialKey),
    `${sweep.id}|${trialKey}`,
    0,
  );

  const trial = live.current ? live.value : null;
  if (trial === null) {
    return (
      <Pending live={live} what="trial" empty={live.current}
        emptyText={`No trial ${trialKey} in ${sweep.name}.`} />
    );
  }

  const forms = Object.entries(trial.closedForms);
  const chartHeight = Math.max(3, height - 10 - forms.length);
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end">
        <Text bold>{`trial ${trial.key}`}</Text>
        {`  outcome `}
        <Text bold color={trial.outcome === 'escaped' ? 'yellow' : undefined}>
          {trial.outcome}
        </Text>
        <Text dimColor>  (esc: back)</Text>
      </Text>
      <Text wrap="truncate-end">{specLine(trial)}</Text>
      <Text wrap="truncate-end" dimColor>{settingsLine(trial.spec)}</Text>
      <Text wrap="truncate-end">{stepLine(trial)}</Text>
      <Text wrap="truncate-end">
        {`sharpness λmax ${cell(trial.sharpness, SHARP)} (exact)` +
          `   final λ ${cell(trial.final_sharpness, SHARP)}` +
          `   landing λη/2 ${cell(trial.landing_ratio)}`}
      </Text>
      <Text wrap="truncate-end">
        {`escape step: observed ${cell(trial.escape_step)}` +
          `   predicted ${cell(trial.predicted_escape_step)}` +
          `   steps ${cell(trial.steps)}` +
          `   final loss ${cell(trial.final_loss)}`}
      </Text>
      {trial.error !== null
        ? <Text color="red" wrap="truncate-end">{`error: ${trial.error}`}</Text>
        : null}
      <ClosedForms trial={trial} width={width} />
      <Charts trial={trial} width={width} height={chartHeight} />
    </Box>
  );
}

function specLine(trial: Detail): string {
  return `dims [${trial.dims.join(',')}]  L ${trial.depth}` +
    `  target ${trial.target_kind}  family ${trial.family}` +
    `  direction ${trial.direction}`;
}

/** The rest of the stored spec: family and target parameters, limits. */
function settingsLine(spec: unknown): string {
  const record = (value: unknown) =>
    value !== null && typeof value === 'object'
      ? (value as Record<string, unknown>)
      : {};
  const params = (value: unknown, skip: string) =>
    Object.entries(record(value))
      .filter(([name]) => name !== skip)
      .map(([name, v]) => `${name} ${JSON.stringify(v)}`)
      .join(' ');
  const { minimizer, target, gd } = record(spec);
  const limits = record(gd);

  const parts = [
    params(minimizer, 'family'),
    params(target, 'kind'),
    limits.maxSteps === undefined ? '' : `max steps ${limits.maxSteps}`,
    limits.escapeDistance === undefined
      ? ''
      : `δ ${limits.escapeDistance}`,
    limits.earlyStop === true ? 'early stop' : '',
  ].filter((part) => part !== '');
  return parts.length === 0 ? 'spec: —' : `spec: ${parts.join(' · ')}`;
}

function stepLine(trial: Detail): string {
  const eta = trial.step_size;
  const limit = eta === null || eta <= 0 ? null : 2 / eta;

  return `radius ${cell(trial.radius)}  seed ${trial.seed}` +
    `  ρ ${cell(trial.step_ratio, 6)}  η ${cell(eta, 6)}` +
    `  2/η ${cell(limit, SHARP)}`;
}

/** Each closed form or bound, exact or not, and its gap to λmax. */
function ClosedForms({ trial, width }: { trial: Detail; width: number }) {
  const forms = Object.entries(trial.closedForms);
  if (forms.length === 0) {
    return <Text dimColor>no closed forms stored</Text>;
  }

  const name = Math.max(...forms.map(([n]) => n.length), 10);
  return (
    <Box flexDirection="column" width={width}>
      <Text bold wrap="truncate-end">
        {`${fit('closed form', name)}  ${fit('value', 17, true)}` +
          `  ${fit('vs λmax', 10, true)}`}
      </Text>
      {forms.map(([label, form]) => {
        const gap = form.value === null || !trial.sharpness
          ? null
          : (form.value - trial.sharpness) / trial.sharpness;
        const gapText = gapPercent(gap);
        return (
          <Text key={label} wrap="truncate-end">
            {`${fit(label, name)}  ${fit(cell(form.value, SHARP), 17, true)}` +
              `  ${fit(gapText, 10, true)}  `}
            <Text color={form.exact ? 'green' : undefined}
              dimColor={!form.exact}>
              {form.exact ? 'exact for this shape' : 'bound / estimate'}
            </Text>
          </Text>
        );
      })}
    </Box>
  );
}

/** Below 1e-9 relative, a gap is round-off: the reference tolerance. */
function gapPercent(gap: number | null): string {
  if (gap === null) return '—';
  if (Math.abs(gap) < 1e-9) return '0%';

  return `${gap > 0 ? '+' : ''}${(gap * 100).toPrecision(3)}%`;
}

function Charts(props: { trial: Detail; width: number; height: number }) {
  const { trial, width, height } = props;
  if (trial.trajectory.length === 0) {
    return <Text dimColor>no trajectory samples stored</Text>;
  }

  const half = Math.floor((width - 2) / 2);
  const points = (pick: 'loss' | 'distance') =>
    trial.trajectory.map((p) => ({ x: p.step, y: p[pick] }));
  const loss = logLineChart(points('loss'), half, height);
  const distance = logLineChart(points('distance'), half, height);

  return (
    <Box flexDirection="column" width={width}>
      <Text bold>
        {`${fit('loss (log)', half)}  distance ‖w − w*‖ (log)`}
      </Text>
      {loss.map((line, i) => (
        <Text key={i}>{`${line}  ${distance[i] ?? ''}`}</Text>
      ))}
    </Box>
  );
}
