package io.bagsflow.db;

/**
 * A named point between two steps of bookkeeping that another process may get between (a read and the write that
 * acts on it, a start and its record). Production code passes {@link #NONE}; race tests pass one that does the
 * other process's step right there, so each interleaving is reproduced deterministically, without sleeps.
 */
@FunctionalInterface
public interface Interleaving {

    Interleaving NONE = (point, id) -> {};

    /** Called when the code reaches {@code point} for the record {@code id}. */
    void reached(String point, String id);
}
