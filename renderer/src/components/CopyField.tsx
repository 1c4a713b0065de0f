import { useRef, useState } from 'react';

/**
 * A read-only value with a Copy button. The clipboard API needs a secure context (a LAN address
 * over http is not one), so it falls back to selecting the text for the creator to copy.
 */
export function CopyField(props: {
  label: string;
  value: string;
  secret?: boolean;
  testId?: string;
}) {
  const input = useRef<HTMLInputElement>(null);
  const [shown, setShown] = useState(!props.secret);
  const [state, setState] = useState<'idle' | 'copied' | 'manual'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.value);
      setState('copied');
    } catch {
      setShown(true);
      input.current?.select();
      setState('manual');
    }
    setTimeout(() => setState('idle'), 2500);
  };
  return (
    <div className="copy-field">
      <label>
        {props.label}
        <div className="copy-row">
          <input
            ref={input}
            readOnly
            value={props.value}
            type={shown ? 'text' : 'password'}
            data-testid={props.testId}
            onFocus={(e) => e.target.select()}
          />
          {props.secret ? (
            <button
              type="button"
              className="btn btn-small btn-ghost"
              onClick={() => setShown((s) => !s)}
              aria-pressed={shown}
            >
              {shown ? 'Hide' : 'Show'}
            </button>
          ) : null}
          <button type="button" className="btn btn-small" onClick={() => void copy()}>
            {state === 'copied' ? 'Copied ✓' : 'Copy'}
          </button>
        </div>
      </label>
      {state === 'manual' ? (
        <p className="muted small">
          The browser blocked the clipboard here: the text is selected, press Ctrl+C (⌘C) to copy
          it.
        </p>
      ) : null}
    </div>
  );
}
