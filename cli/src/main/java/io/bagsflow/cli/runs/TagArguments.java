package io.bagsflow.cli.runs;

import io.bagsflow.cli.UserError;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code key=value} arguments of {@code --tag} and {@code runs tag}: the first '=' splits, the value may be empty. */
final class TagArguments {

    private TagArguments() {}

    static Map<String, String> parse(List<String> args, String option) {
        Map<String, String> tags = new LinkedHashMap<>();
        if (args == null) {
            return tags;
        }
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new UserError(option + " \"" + a + "\": a tag is key=value", "e.g. " + option + " team=vision");
            }
            tags.put(a.substring(0, eq).strip(), a.substring(eq + 1).strip());
        }
        return tags;
    }
}
