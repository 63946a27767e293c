package io.bagsflow.activities.pipeline;

import io.bagsflow.activities.CodeVersion;
import io.bagsflow.activities.Sha256;
import java.util.Map;
import java.util.TreeMap;

/**
 * The identity of a stage's work: stage and part, code version, the stage's own configuration, and the content
 * hashes of its inputs. The same key means the same outputs, so a finished attempt with this key can be reused.
 */
public final class StageKey {

    private StageKey() {}

    /**
     * @param config  the settings that change the outputs, as canonical JSON (sorted keys)
     * @param inputs  input name to content hash (sorted here, so the order given does not matter)
     */
    public static String of(String stage, String part, String config, Map<String, String> inputs) {
        StringBuilder sb = new StringBuilder();
        sb.append("stage=").append(stage).append('\n');
        sb.append("part=").append(part).append('\n');
        sb.append("code=").append(CodeVersion.get()).append('\n');
        sb.append("config=").append(config).append('\n');
        for (Map.Entry<String, String> e : new TreeMap<>(inputs).entrySet()) {
            sb.append("input.")
                    .append(e.getKey())
                    .append('=')
                    .append(e.getValue())
                    .append('\n');
        }
        return Sha256.of(sb.toString());
    }
}
