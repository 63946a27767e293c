package io.bagsflow.ml.detector;

/**
 * How many CPU threads PyTorch's intra-op pool uses for a detector run (training, feature caches, inference).
 * In order of precedence:
 * <ol>
 *   <li>the config's {@code threads} when it is positive;</li>
 *   <li>{@code BAGSFLOW_THREADS} (environment) or {@code -Dbagsflow.threads}: the share of this process, set per
 *       worker process when several training workers run on one machine, e.g. {@code BAGSFLOW_THREADS=4} for
 *       each of two GPU-queue workers on an 8-core host;</li>
 *   <li>otherwise the available cores divided by the {@code BAGSFLOW_WORKERS_PER_HOST} training workers that
 *       share this machine (default 1), at least 1 and at most {@link #CAP}.</li>
 * </ol>
 * The cap: the {@code small} network's ops are small (96 px images, 8 per batch), so beyond a few threads the
 * pool's synchronisation grows faster than the work per thread; on the 2-core development machine 2 threads
 * trained 1.5x faster than 1, more than 2 cores were not measured.
 */
public final class DetectorThreads {

    /** Most threads the default picks; a positive {@code threads} or {@code BAGSFLOW_THREADS} may go higher. */
    public static final int CAP = 8;

    static final String ENV = "BAGSFLOW_THREADS";
    static final String PROPERTY = "bagsflow.threads";
    static final String WORKERS_ENV = "BAGSFLOW_WORKERS_PER_HOST";

    private DetectorThreads() {}

    /** Threads for a run whose config says {@code configured} (0: decide here). */
    public static int resolve(int configured) {
        return resolve(
                configured,
                setting(PROPERTY, ENV),
                setting(WORKERS_ENV, WORKERS_ENV),
                Runtime.getRuntime().availableProcessors());
    }

    static int resolve(int configured, String processShare, String workersPerHost, int cores) {
        if (configured < 0) {
            throw new IllegalArgumentException("threads must be 0 (automatic) or positive, got " + configured);
        }
        if (configured > 0) {
            return configured;
        }
        if (processShare != null) {
            return positive(processShare, ENV);
        }
        int workers = workersPerHost == null ? 1 : positive(workersPerHost, WORKERS_ENV);
        return Math.max(1, Math.min(CAP, cores / workers));
    }

    private static String setting(String property, String env) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            v = System.getenv(env);
        }
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static int positive(String value, String name) {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a positive whole number of threads, got '" + value + "'");
    }
}
