/**
 * Form controls shared by the wizard's steps. The label is the control's name; whether a secret is
 * saved, hints and errors are its description, so a screen reader hears "API key, not saved".
 */
import { useId, type ReactNode } from 'react';
import type { Option } from '../../../preload/contract';

function describedBy(...ids: (string | false | undefined)[]): string | undefined {
  const list = ids.filter((id): id is string => typeof id === 'string');
  return list.length > 0 ? list.join(' ') : undefined;
}

export function TextField(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  secret?: boolean;
  /** For write-only secrets: whether a value is saved (it is never shown). */
  saved?: boolean;
  error?: string | undefined;
  placeholder?: string;
  name?: string;
}) {
  const id = useId();
  const { saved, error } = props;
  return (
    <div className="field">
      <span>
        <label htmlFor={id}>{props.label}</label>
        {saved === undefined ? null : <em id={`${id}-saved`} className={saved ? 'saved' : 'missing'}>{saved ? 'saved' : 'not saved'}</em>}
      </span>
      <input
        id={id}
        name={props.name}
        type={props.secret ? 'password' : 'text'}
        autoComplete="off"
        spellCheck={false}
        value={props.value}
        placeholder={saved ? 'Saved — type to replace' : (props.placeholder ?? '')}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(saved !== undefined && `${id}-saved`, error && `${id}-error`)}
        onChange={(e) => { props.onChange(e.target.value); }}
      />
      {error ? <span id={`${id}-error`} className="error field-error">{error}</span> : null}
    </div>
  );
}

export function SelectField(props: {
  label: string;
  value: number | null;
  options: readonly Option[];
  onChange: (value: number | null) => void;
  /** The text of the empty choice (e.g. "Board default"). */
  emptyLabel: string;
  disabled?: boolean;
  error?: string | undefined;
  hint?: ReactNode;
}) {
  const id = useId();
  const { error, hint } = props;
  const known = props.value === null || props.options.some((o) => o.id === props.value);
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <select
        id={id}
        value={props.value === null ? '' : String(props.value)}
        disabled={props.disabled}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(hint !== undefined && `${id}-hint`, error && `${id}-error`)}
        onChange={(e) => { props.onChange(e.target.value === '' ? null : Number(e.target.value)); }}
      >
        <option value="">{props.emptyLabel}</option>
        {known ? null : <option value={String(props.value)}>Saved choice (id {String(props.value)}) is no longer offered</option>}
        {props.options.map((o) => <option key={o.id} value={String(o.id)}>{o.name}</option>)}
      </select>
      {hint !== undefined ? <span id={`${id}-hint`} className="hint">{hint}</span> : null}
      {error ? <span id={`${id}-error`} className="error field-error">{error}</span> : null}
    </div>
  );
}

/** One vendor's result after "Save and continue": what connected, or exactly what is wrong. */
export function TestResult({ result }: { result: { ok: boolean; message: string } | undefined }) {
  if (!result) return null;
  return result.ok
    ? <p role="status" className="saved">{result.message}</p>
    : <p role="alert" className="error">{result.message}</p>;
}
