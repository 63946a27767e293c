package io.bagsflow.ml.detector;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Device and thread choice for a run: the GPU when the engine sees one (unless told cpu), else the CPU. Public for
 * {@link #device} alone, which the detector benchmark (module bench) prints.
 */
public final class DetectorRuntime {

    private DetectorRuntime() {}

    /** The device a run with this config trains and predicts on. */
    public static Device device(DetectorConfig config) {
        int gpus = Engine.getInstance().getGpuCount();
        return switch (config.device()) {
            case AUTO -> gpus > 0 ? Device.gpu() : Device.cpu();
            case CPU -> Device.cpu();
            case GPU -> {
                if (gpus == 0) {
                    throw new IllegalArgumentException("device gpu requested but the PyTorch engine sees no GPU");
                }
                yield Device.gpu();
            }
        };
    }

    /**
     * A root manager on the config's device, with PyTorch's intra-op threads set as {@link DetectorThreads}
     * resolves them. Setting them here, per run, rather than once at engine start means the launcher's
     * {@code OMP_NUM_THREADS} does not decide: at::set_num_threads takes effect for every later op.
     */
    static NDManager manager(DetectorConfig config) {
        Device device = device(config);
        JniUtils.setNumThreads(DetectorThreads.resolve(config.threads()));
        JniUtils.setGradMode(false);
        return NDManager.newBaseManager(device);
    }
}
