/** A form's validation message, read out by screen readers; nothing when there is none. */
export function FormError(props: { error: string | null }) {
  return props.error ? (
    <p className="error-text" role="alert">
      {props.error}
    </p>
  ) : null;
}

/**
 * The end of a settings form: its error (if any), then an optional Cancel and the submit button,
 * which stays disabled while any action runs so a double click cannot submit twice.
 */
export function FormFooter(props: {
  error: string | null;
  busy: boolean;
  submitLabel: string;
  onCancel?: () => void;
}) {
  return (
    <>
      <FormError error={props.error} />
      <div className="form-actions">
        {props.onCancel ? (
          <button type="button" className="btn btn-ghost" onClick={props.onCancel}>
            Cancel
          </button>
        ) : null}
        <button type="submit" className="btn btn-primary" disabled={props.busy}>
          {props.submitLabel}
        </button>
      </div>
    </>
  );
}
