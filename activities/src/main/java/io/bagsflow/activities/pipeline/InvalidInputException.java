package io.bagsflow.activities.pipeline;

import io.bagsflow.ml.BadInputException;

/**
 * Input that is wrong in a way a retry cannot fix (a broken annotation file, an unknown setting): the stage fails
 * without retries and the run waits for the user.
 */
public class InvalidInputException extends BadInputException {

    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
