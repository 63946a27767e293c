package io.bagsflow.activities.pipeline;

import io.bagsflow.activities.CodeVersion;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The identity of a stage's work: stage and part, code version, the stage's own configuration, and the content
 * hashes of its inputs. The same key means the same outputs, so a finished attempt with this key can be reused.
 */
public final class StageKey {

    private StageKey() {
    }

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
            sb.append("input.").append(e.getKey()).append('=').append(e.getValue()).append('\n');
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
