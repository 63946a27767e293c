package io.bagsflow.ml;

/**
 * Input that is wrong in a way a retry cannot fix: a broken annotation file, a rejected dataset, a setting out of
 * its range, training that diverged with the given settings. Its message names what is wrong and is meant for
 * users as is. The pipeline's activities turn it into a non-retryable failure (the run waits for the user); the
 * command line prints its message without a stack trace hint. Subclasses say which kind of input.
 */
public class BadInputException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
