package io.bagsflow.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The one walk along a throwable's cause chain, for every module: the failure first, then its cause, its cause's
 * cause and so on. A throwable that names itself (or an earlier link) as its cause ends the chain instead of looping
 * forever; {@link Throwable#getCause()} never does so, but an overriding exception class may.
 */
public final class Causes {

    private Causes() {}

    /** The chain from {@code e} (first) to its root cause (last), each throwable once; empty for null. */
    public static List<Throwable> chain(Throwable e) {
        List<Throwable> out = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
            out.add(t);
        }
        return out;
    }

    /** The first throwable in {@code e}'s chain ({@code e} itself included) that is a {@code type}. */
    public static <T extends Throwable> Optional<T> find(Throwable e, Class<T> type) {
        for (Throwable t : chain(e)) {
            if (type.isInstance(t)) {
                return Optional.of(type.cast(t));
            }
        }
        return Optional.empty();
    }

    /** The last throwable of {@code e}'s chain: the one that has no cause ({@code e} itself if it has none). */
    public static Throwable root(Throwable e) {
        List<Throwable> chain = chain(e);
        return chain.isEmpty() ? null : chain.get(chain.size() - 1);
    }
}
