package io.bagsflow.ml.detector;

import io.bagsflow.ml.BadInputException;

/** Training failed because too many steps produced a non-finite loss or gradient. */
public final class NonFiniteTrainingException extends BadInputException {

    private static final long serialVersionUID = 1L;

    public NonFiniteTrainingException(String message) {
        super(message);
    }
}
