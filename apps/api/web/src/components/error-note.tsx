/** An error said in words, announced to screen readers. */
export const ErrorNote = (props: { error: string | null }) =>
  props.error ? (
    <p class="error" role="alert">
      {props.error}
    </p>
  ) : null;
