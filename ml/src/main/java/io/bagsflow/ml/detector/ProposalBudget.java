package io.bagsflow.ml.detector;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The test-time proposal count against the detection cap. The official recipe keeps 1000 proposals after NMS for
 * at most 300 detections per image (3.3 proposals per detection), so the cap, not the proposals, decides which
 * rare-class detections survive. A config far below that ratio (under a tenth of it: fewer than 1 proposal per 3
 * detections) is legal, since each proposal may give a detection for every class, but it changes what the cap
 * means; inference logs a warning naming both numbers once per process and setting. The {@code small} preset
 * (50 proposals at 96 px, 300 detections) is such a config.
 */
public final class ProposalBudget {

    public static final int OFFICIAL_PROPOSALS = 1000;
    public static final int OFFICIAL_DETECTIONS = 300;
    /** Below the official ratio divided by this the warning is given. */
    public static final int FAR_BELOW_FACTOR = 10;

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ProposalBudget.class);
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private ProposalBudget() {}

    /** Proposals per allowed detection, {@code rpnPostNmsTest / maxDetections}. */
    public static double ratio(DetectorConfig c) {
        return (double) c.rpnPostNmsTest() / c.maxDetections();
    }

    /** The warning for a config far below the official ratio; empty otherwise. */
    public static Optional<String> warning(DetectorConfig c) {
        double official = (double) OFFICIAL_PROPOSALS / OFFICIAL_DETECTIONS;
        // in whole numbers, so that exactly a tenth of the official ratio is not "below" by a rounding error
        if ((long) c.rpnPostNmsTest() * OFFICIAL_DETECTIONS * FAR_BELOW_FACTOR
                >= (long) c.maxDetections() * OFFICIAL_PROPOSALS) {
            return Optional.empty();
        }
        return Optional.of(String.format(
                java.util.Locale.ROOT,
                "rpnPostNmsTest = %d proposals for maxDetections = %d "
                        + "is %.2f proposals per detection, under a tenth of the official recipe's %d / %d = %.2f: the "
                        + "proposals, not the detection cap, limit what inference can find",
                c.rpnPostNmsTest(),
                c.maxDetections(),
                ratio(c),
                OFFICIAL_PROPOSALS,
                OFFICIAL_DETECTIONS,
                official));
    }

    /** Logs {@link #warning} once per process and setting. */
    static void warnIfFarBelow(DetectorConfig c) {
        warning(c).ifPresent(w -> {
            if (WARNED.add(c.rpnPostNmsTest() + "/" + c.maxDetections())) {
                LOG.warn(w);
            }
        });
    }
}
