package io.bagsflow.cli;

/** A failure the user can fix: printed as one line plus a hint, never as a stack trace. */
public class UserError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String hint;

    public UserError(String message, String hint) {
        super(message);
        this.hint = hint;
    }

    public String hint() {
        return hint;
    }
}
