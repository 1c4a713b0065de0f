import { useEffect, useMemo, useState } from 'react';
import type { PayoutStatus, WithdrawalDto } from '../../../shared/api';
import { ratesAt, usdPerDiamondFor } from '../../../shared/earnings';
import type { Goal } from '../../../shared/goals';
import * as Q from '../../../shared/rational';
import { describeError } from '../api';
import { Card, Empty, ErrorNote, NumHeader, ProgressBar, Stat, Working } from '../components/ui';
import type { Formatter } from '../format';
import { useAction, useCommand, useDashboard } from '../hooks';
import {
  dateInputValue,
  dayStartOf,
  minorToInput,
  parseCount,
  parseMoneyInput,
  rateToText,
  ratesFromDto,
} from '../money';
import { FormError, FormFooter } from './FormFooter';

/** TikTok's usual minimum withdrawal: the default payout goal. */
const DEFAULT_PAYOUT_USD = 100;
const HOUR = 3_600_000;

/** The Payout view: balance, goal with projection, withdrawal log and the rate it implies. */
export function PayoutView() {
  const { live } = useDashboard();
  // The goal moves with every gift: follow it live.
  const status = useCommand('payout.status', {}, live.goal ? live.goal.current : null);
  const withdrawals = useCommand('withdrawals.list', {});
  const reloadAll = () => {
    status.reload();
    withdrawals.reload();
  };
  const s = status.data;

  return (
    <div className="view">
      <header className="view-head">
        <div>
          <h1>Payout</h1>
          <p className="subtitle">
            How far the next withdrawal is, and what TikTok actually pays you per diamond.
          </p>
        </div>
      </header>
      {status.error ? <ErrorNote message={status.error} onRetry={status.reload} /> : null}
      {!s && status.loading ? <Working label="Loading payout status…" /> : null}
      {s ? (
        <>
          <Balance status={s} />
          <div className="grid grid-2">
            <GoalCard status={s} onSaved={status.reload} />
            <RateCard status={s} onSaved={status.reload} />
          </div>
          <WithdrawalsCard
            list={withdrawals.data ?? []}
            error={withdrawals.error}
            onRetry={withdrawals.reload}
            onChanged={reloadAll}
          />
        </>
      ) : null}
    </div>
  );
}

function Balance({ status: s }: { status: PayoutStatus }) {
  const { format } = useDashboard();
  return (
    <div className="stats stats-4">
      <Stat
        label="Balance"
        value={format.cash(s.balanceCash.minor)}
        testId="payout-balance-cash"
        accent
        hint={`${format.int(s.balanceDiamonds)} diamonds`}
      />
      <Stat
        label="Earned (all time)"
        value={format.int(s.earnedDiamonds)}
        hint="diamonds"
        testId="payout-earned"
      />
      <Stat
        label="Withdrawn"
        value={format.int(s.withdrawnDiamonds)}
        hint="diamonds"
        testId="payout-withdrawn"
      />
      <Stat
        label="Recent pace"
        value={`${format.cash(s.perDay.minor)} / day`}
        hint={`${format.cash(s.perStreamedHour.minor)} per streamed hour`}
        testId="payout-pace"
      />
    </div>
  );
}

function goalAmount(format: Formatter, kind: Goal['kind'], n: number): string {
  return kind === 'cash' ? format.cash(n) : `${format.int(n)} diamonds`;
}

function GoalCard({ status: s, onSaved }: { status: PayoutStatus; onSaved: () => void }) {
  const { format } = useDashboard();
  const [editing, setEditing] = useState(false);
  const progress = s.goal;
  return (
    <Card
      title="Payout goal"
      actions={
        progress && !editing ? (
          <button type="button" className="btn btn-small" onClick={() => setEditing(true)}>
            Change goal
          </button>
        ) : null
      }
    >
      {progress && !editing ? (
        <div className="goal" data-testid="goal">
          <div className="goal-title">
            <bdi>{progress.goal.label || 'Payout'}</bdi>
            {progress.reached && !progress.goal.rollover ? (
              <span className="pill pill-ok">reached</span>
            ) : null}
          </div>
          <div className="goal-amounts">
            <span className="goal-current" data-testid="goal-current">
              {goalAmount(format, progress.goal.kind, progress.current)}
            </span>
            <span className="muted">
              {' '}
              of {goalAmount(format, progress.goal.kind, progress.target)}
            </span>
          </div>
          <ProgressBar
            fraction={progress.fraction}
            label="Progress toward the payout goal"
            testId="goal-progress"
          />
          <div className="goal-foot">
            <span data-testid="goal-percent">{format.percent(progress.fraction)}</span>
            <span data-testid="goal-projected">
              {progress.reached && !progress.goal.rollover
                ? 'Reached: you can request a withdrawal.'
                : s.projectedAt !== null
                  ? `Projected: ${format.date(s.projectedAt)}`
                  : 'No projection yet: stream a little to set a pace.'}
            </span>
          </div>
          {progress.goal.rollover && progress.completions > 0 ? (
            <p className="muted small">
              Reached {format.int(progress.completions)}{' '}
              {progress.completions === 1 ? 'time' : 'times'}: you can request a withdrawal. The bar
              now counts toward the next one.
            </p>
          ) : null}
        </div>
      ) : (
        <GoalForm
          initial={progress?.goal ?? null}
          onCancel={progress ? () => setEditing(false) : undefined}
          onSaved={() => {
            setEditing(false);
            onSaved();
          }}
        />
      )}
    </Card>
  );
}

function GoalForm({
  initial,
  onSaved,
  onCancel,
}: {
  initial: Goal | null;
  onSaved: () => void;
  onCancel?: () => void;
}) {
  const { format } = useDashboard();
  const { run, busy } = useAction();
  const currency = format.currency;
  const [label, setLabel] = useState(initial?.label ?? 'Next payout');
  const [kind, setKind] = useState<Goal['kind']>(initial?.kind ?? 'cash');
  const rates = useCommand('rates.list', {});
  // The default goal is TikTok's USD 100 payout threshold, in the creator's currency.
  const defaultMinor = useMemo(() => {
    const scale = Q.rational(DEFAULT_PAYOUT_USD * 10 ** currency.exponent);
    if (currency.code === 'USD') return Number(scale.n);
    const list = rates.data ?? [];
    if (list.length === 0) return null;
    const current = ratesAt(list.map(ratesFromDto), Date.now());
    return Number(Q.roundHalfEven(Q.mul(scale, current.usdToLocal)));
  }, [currency, rates.data]);
  const [amount, setAmount] = useState(
    initial
      ? initial.kind === 'cash'
        ? minorToInput(initial.target, currency)
        : String(initial.target)
      : '',
  );
  const [touched, setTouched] = useState(false);
  useEffect(() => {
    if (!initial && !touched && kind === 'cash' && defaultMinor !== null) {
      setAmount(minorToInput(defaultMinor, currency));
    }
  }, [initial, touched, kind, defaultMinor, currency]);
  const [rollover, setRollover] = useState(initial?.rollover ?? true);
  const [error, setError] = useState<string | null>(null);

  const submit = async () => {
    const target = kind === 'cash' ? parseMoneyInput(amount, currency) : parseCount(amount);
    if (target === null || target <= 0) {
      setError(
        kind === 'cash'
          ? `Enter the target as an amount of ${currency.code}, for example ${minorToInput(100 * 10 ** currency.exponent, currency)}.`
          : 'Enter the target as a whole number of diamonds, for example 20000.',
      );
      return;
    }
    setError(null);
    const saved = await run(
      'goal.set',
      { label: label.trim() || 'Next payout', kind, target, rollover },
      'Goal saved.',
    );
    if (saved) onSaved();
  };

  return (
    <form
      className="form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      aria-label="Payout goal"
    >
      {!initial ? (
        <p className="muted">
          TikTok pays out from a minimum balance; the default goal is that threshold (USD 100).
          Change it to anything you like.
        </p>
      ) : null}
      <label>
        Label
        <input value={label} onChange={(e) => setLabel(e.target.value)} maxLength={60} />
      </label>
      <fieldset className="radio-row">
        <legend>Target in</legend>
        <label className="check">
          <input
            type="radio"
            name="goal-kind"
            checked={kind === 'cash'}
            onChange={() => setKind('cash')}
          />{' '}
          Cash ({currency.code})
        </label>
        <label className="check">
          <input
            type="radio"
            name="goal-kind"
            checked={kind === 'diamonds'}
            onChange={() => setKind('diamonds')}
          />{' '}
          Diamonds
        </label>
      </fieldset>
      <label>
        Target {kind === 'cash' ? `(${currency.code})` : '(diamonds)'}
        <input
          name="goal-target"
          inputMode="decimal"
          value={amount}
          onChange={(e) => {
            setTouched(true);
            setAmount(e.target.value);
          }}
          aria-invalid={error ? true : undefined}
        />
      </label>
      <label className="check">
        <input type="checkbox" checked={rollover} onChange={(e) => setRollover(e.target.checked)} />{' '}
        Start over toward the next payout when reached
      </label>
      <FormFooter error={error} busy={busy !== null} submitLabel="Save goal" onCancel={onCancel} />
    </form>
  );
}

/** Whether two rates differ by at most 0.1% of the first. */
function withinTolerance(a: Q.Rational, b: Q.Rational): boolean {
  const diff = Q.sub(a, b);
  const abs = Q.compare(diff, Q.ZERO) < 0 ? Q.sub(Q.ZERO, diff) : diff;
  return Q.compare(abs, Q.mul(a, Q.rational(1, 1000))) <= 0;
}

function RateCard({ status: s, onSaved }: { status: PayoutStatus; onSaved: () => void }) {
  const { format, client, notify } = useDashboard();
  const { run, busy } = useAction();
  const configured = Q.fromJSON(s.configuredRate);
  const effective = s.effectiveRate ? Q.fromJSON(s.effectiveRate) : null;
  const per1000 = (r: Q.Rational) => format.exact(Q.mul(r, Q.rational(1000)));
  // Payout amounts are rounded to cents, so rates within 0.1% are the same rate.
  const differs =
    configured !== null && effective !== null && !withinTolerance(configured, effective);

  const adopt = async () => {
    if (!effective) return;
    let list;
    try {
      list = await client.invoke('rates.list', {});
    } catch (e) {
      notify('error', `The rate schedule could not be read: ${describeError(e)}`);
      return;
    }
    const now = Date.now();
    const current = ratesAt(list.map(ratesFromDto), now);
    const currentDto = list.find((r) => r.effectiveFrom === current.effectiveFrom) ?? list[0];
    if (!currentDto) {
      notify('error', 'There is no rate schedule yet. Add a rate in Settings → Earnings first.');
      return;
    }
    const usd = usdPerDiamondFor(effective, current, format.currency);
    const added = await run(
      'rates.add',
      { ...currentDto, effectiveFrom: now, usdPerDiamond: rateToText(usd) },
      'New rate saved: sessions from now on use it; past sessions keep theirs.',
    );
    if (added) onSaved();
  };

  return (
    <Card title="Rate per diamond">
      <div className="rate-compare">
        <div>
          <div className="stat-label">Configured</div>
          <div className="rate-value" data-testid="rate-configured">
            {configured ? per1000(configured) : '—'}
          </div>
          <div className="muted small">per 1,000 diamonds, before payout fees</div>
        </div>
        <div>
          <div className="stat-label">Your withdrawals imply</div>
          <div className="rate-value" data-testid="rate-effective">
            {effective ? per1000(effective) : '—'}
          </div>
          <div className="muted small">
            {effective
              ? 'per 1,000 diamonds (cash received plus fees)'
              : 'Record a withdrawal below to see it.'}
          </div>
        </div>
      </div>
      {differs ? (
        <div className="rate-action">
          <p className="muted">
            TikTok paid {Q.compare(effective, configured) > 0 ? 'more' : 'less'} than the configured
            rate. Using the observed rate makes estimates match your payouts; past sessions keep the
            rate they were valued at.
          </p>
          <button
            type="button"
            className="btn btn-primary"
            disabled={busy !== null}
            onClick={() => void adopt()}
          >
            Use this rate from now on
          </button>
        </div>
      ) : effective ? (
        <p className="muted">The configured rate matches your withdrawals.</p>
      ) : null}
    </Card>
  );
}

function WithdrawalsCard(props: {
  list: WithdrawalDto[];
  error: string | null;
  onRetry: () => void;
  onChanged: () => void;
}) {
  const { format } = useDashboard();
  const { run, busy } = useAction();
  const currency = format.currency;
  const [date, setDate] = useState(dateInputValue());
  const [diamonds, setDiamonds] = useState('');
  const [received, setReceived] = useState('');
  const [fee, setFee] = useState('');
  const [error, setError] = useState<string | null>(null);

  const submit = async () => {
    const day = dayStartOf(date);
    const d = parseCount(diamonds);
    const r = parseMoneyInput(received, currency);
    const f = fee.trim() ? parseMoneyInput(fee, currency) : 0;
    if (day === null) return setError('Pick the date the withdrawal was made.');
    if (d === null || d <= 0)
      return setError('Enter the diamonds withdrawn as a whole number, for example 20000.');
    if (r === null)
      return setError(
        `Enter the cash that arrived in ${currency.code}, for example ${minorToInput(9500, currency)}.`,
      );
    if (f === null)
      return setError(`Enter the fee in ${currency.code}, or leave it empty for none.`);
    setError(null);
    // Noon of the chosen day keeps the date the same in every nearby time zone.
    const saved = await run(
      'withdrawals.add',
      { time: day + 12 * HOUR, diamonds: d, receivedMinor: r, feeMinor: f },
      'Withdrawal recorded.',
    );
    if (saved) {
      setDiamonds('');
      setReceived('');
      setFee('');
      props.onChanged();
    }
  };

  return (
    <Card title="Withdrawals">
      <form
        className="form form-inline"
        aria-label="Record a withdrawal"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label>
          Date
          <input
            type="date"
            name="withdrawal-date"
            value={date}
            onChange={(e) => setDate(e.target.value)}
            required
          />
        </label>
        <label>
          Diamonds withdrawn
          <input
            name="withdrawal-diamonds"
            inputMode="numeric"
            value={diamonds}
            onChange={(e) => setDiamonds(e.target.value)}
            placeholder="20000"
          />
        </label>
        <label>
          Cash received ({currency.code})
          <input
            name="withdrawal-received"
            inputMode="decimal"
            value={received}
            onChange={(e) => setReceived(e.target.value)}
            placeholder={minorToInput(9500, currency)}
          />
        </label>
        <label>
          Fee ({currency.code})
          <input
            name="withdrawal-fee"
            inputMode="decimal"
            value={fee}
            onChange={(e) => setFee(e.target.value)}
            placeholder={minorToInput(0, currency)}
          />
        </label>
        <button type="submit" className="btn btn-primary" disabled={busy !== null}>
          Record withdrawal
        </button>
      </form>
      <FormError error={error} />
      {props.error ? <ErrorNote message={props.error} onRetry={props.onRetry} /> : null}
      {props.list.length === 0 && !props.error ? (
        <Empty title="No withdrawals recorded">
          When TikTok pays you, note it here: the balance drops and Gemlight learns the real rate
          per diamond.
        </Empty>
      ) : null}
      {props.list.length > 0 ? (
        <div className="table-wrap">
          <table className="table" data-testid="withdrawals-table">
            <thead>
              <tr>
                <th scope="col">Date</th>
                <NumHeader>Diamonds</NumHeader>
                <NumHeader>Received</NumHeader>
                <NumHeader>Fee</NumHeader>
                <NumHeader>Per 1,000 diamonds</NumHeader>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {[...props.list]
                .sort((a, b) => b.time - a.time)
                .map((w) => (
                  <tr key={w.id}>
                    <td>{format.date(w.time)}</td>
                    <td className="num">{format.int(w.diamonds)}</td>
                    <td className="num">{format.cash(w.receivedMinor)}</td>
                    <td className="num">{format.cash(w.feeMinor)}</td>
                    <td className="num muted">
                      {w.diamonds > 0
                        ? format.exact(
                            Q.rational(
                              BigInt(w.receivedMinor + w.feeMinor) * 1000n,
                              BigInt(w.diamonds),
                            ),
                          )
                        : '—'}
                    </td>
                    <td className="num">
                      <button
                        type="button"
                        className="btn btn-ghost btn-small"
                        disabled={busy !== null}
                        aria-label={`Delete the withdrawal of ${format.date(w.time)}`}
                        onClick={() => {
                          if (window.confirm('Delete this withdrawal from the log?')) {
                            void run(
                              'withdrawals.delete',
                              { id: w.id },
                              'Withdrawal deleted.',
                            ).then((ok) => ok && props.onChanged());
                          }
                        }}
                      >
                        Delete
                      </button>
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Card>
  );
}
