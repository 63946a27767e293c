package io.bagsflow.model.spec;

import java.util.List;

/** BAGS group bins by training instance count: {@code [0, 10, 100, 1000]} means [0,10), [10,100), [100,1000), [1000,inf). */
public record GroupsSpec(List<Integer> bins) {

    public static final List<Integer> DEFAULT_BINS = List.of(0, 10, 100, 1000);

    public GroupsSpec withDefaults() {
        return new GroupsSpec(bins == null ? DEFAULT_BINS : List.copyOf(bins));
    }
}
