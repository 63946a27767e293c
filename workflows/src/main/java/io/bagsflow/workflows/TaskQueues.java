package io.bagsflow.workflows;

import java.util.Arrays;
import java.util.List;

/**
 * The task queues. Workflows and CPU work (PREPARE, metric computation) run on {@link #CPU}; training, fine-tuning
 * and inference on {@link #GPU}, so that GPU machines only take the work that needs them.
 */
public final class TaskQueues {

    public static final String CPU = "bagsflow-cpu";
    public static final String GPU = "bagsflow-gpu";

    private TaskQueues() {}

    /** Maps the short names of {@code --queues cpu,gpu} to task queue names. */
    public static List<String> fromShortNames(String csv) {
        if (csv.trim().equals("none")) {
            return List.of();
        }
        return Arrays.stream(csv.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(s -> switch (s) {
                    case "cpu", CPU -> CPU;
                    case "gpu", GPU -> GPU;
                    default ->
                        throw new IllegalArgumentException("unknown queue '" + s + "': use cpu, gpu, cpu,gpu or none");
                })
                .distinct()
                .toList();
    }
}
