package io.bagsflow.ml.detector;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The named starting points of a {@link DetectorConfig}: {@code tiny}: unit tests (64 px, a narrow net, a few dozen
 * iterations); {@code small}: the CPU demo (96 px, the defaults); {@code medium}: a ResNet-style backbone at 256 px
 * for GPU workers. Each matches the synthetic dataset preset of the same name. A preset only sets fields; the
 * preset's name is kept in {@code preset}, a placement field, so it does not enter any stage key by itself.
 */
public final class DetectorPresets {

    private DetectorPresets() {}

    /** The preset {@code name}; an unknown name fails, listing the known ones. */
    public static DetectorConfig get(String name) {
        Map<String, Object> o = new LinkedHashMap<>();
        switch (name) {
            case "tiny" -> {
                o.put("imageSize", 64);
                o.put("batchSize", 4);
                o.put("backboneChannels", List.of(8, 16, 32));
                o.put("backboneBlocks", List.of(1, 1, 1));
                o.put("rpnChannels", 32);
                o.put("roiSize", 4);
                o.put("fcDim", 64);
                o.put("rpnSamplesPerImage", 32);
                o.put("roisPerImage", 32);
                o.put("rpnPreNmsTrain", 200);
                o.put("rpnPostNmsTrain", 64);
                o.put("rpnPreNmsTest", 200);
                o.put("iterations", 100);
                o.put("warmupIterations", 10);
                o.put("checkpointInterval", 50);
                o.put("progressInterval", 5);
                o.put("retrainIterations", 50);
                o.put("retrainImagesPerBatch", 8);
                o.put("maxDetections", 100);
            }
            case "small" -> {}
            case "medium" -> {
                o.put("imageSize", 256);
                o.put("batchSize", 16);
                o.put("backbone", "resnet");
                o.put("backboneChannels", List.of(64, 128, 256));
                o.put("backboneBlocks", List.of(2, 2, 2));
                o.put("anchorSizes", List.of(0.08, 0.12, 0.17, 0.24, 0.34));
                o.put("rpnChannels", 256);
                o.put("roiSize", 7);
                o.put("fcDim", 512);
                o.put("rpnSamplesPerImage", 128);
                o.put("roisPerImage", 128);
                o.put("rpnPreNmsTrain", 1000);
                o.put("rpnPostNmsTrain", 300);
                o.put("rpnPreNmsTest", 1000);
                o.put("rpnPostNmsTest", 300);
                o.put("iterations", 12000);
                o.put("warmupIterations", 500);
                o.put("checkpointInterval", 1000);
                o.put("progressInterval", 50);
                o.put("retrainIterations", 2000);
                o.put("retrainImagesPerBatch", 32);
                o.put("inferenceBatchSize", 8);
            }
            default -> throw new IllegalArgumentException("unknown preset '" + name + "': use tiny, small or medium");
        }
        o.put("preset", name);
        return DetectorConfig.defaults().with(o);
    }
}
