package io.bagsflow.db;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Model aliases ({@code model_alias}): a name points at one model and is moved by setting it again, as a registry's
 * "champion" or "production" label is. The name rule is the table's CHECK, repeated here so a bad name is refused
 * with a sentence instead of a constraint violation.
 */
public final class ModelAliasRepository {

    /** Letters, digits, '.', '_' and '-', starting with a letter: never mistaken for a model id or a path. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9._-]{0,63}");

    private final Database db;

    public ModelAliasRepository(Database db) {
        this.db = db;
    }

    /**
     * Points {@code name} at {@code modelId}, creating or moving it.
     *
     * @return the model the name pointed at before, if any
     * @throws IllegalArgumentException for a name outside {@link #NAME} or a model that does not exist
     */
    public Optional<String> set(String name, String modelId) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("alias \"" + name + "\" is not a valid name: use letters, digits, '.',"
                    + " '_' and '-', starting with a letter, at most 64 characters");
        }
        return db.inTransaction(c -> {
            if (LineageRepository.findModel(c, modelId).isEmpty()) {
                throw new IllegalArgumentException("no model " + modelId);
            }
            Optional<String> before = Optional.empty();
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT model_id FROM model_alias WHERE name = ? FOR UPDATE")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        before = Optional.of(rs.getString(1));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO model_alias (name, model_id) VALUES (?, ?) "
                    + "ON CONFLICT (name) DO UPDATE SET model_id = EXCLUDED.model_id, updated_at = now()")) {
                ps.setString(1, name);
                ps.setString(2, modelId);
                ps.executeUpdate();
            }
            return before;
        });
    }

    public Optional<ModelAlias> find(String name) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM model_alias WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(alias(rs)) : Optional.empty();
                }
            }
        });
    }

    /** Every alias, by name. */
    public List<ModelAlias> list() {
        return db.inTransaction(c -> {
            List<ModelAlias> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM model_alias ORDER BY name");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(alias(rs));
                }
            }
            return out;
        });
    }

    /** Removes the alias (not the model); false if there was none. */
    public boolean remove(String name) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM model_alias WHERE name = ?")) {
                ps.setString(1, name);
                return ps.executeUpdate() == 1;
            }
        });
    }

    private static ModelAlias alias(ResultSet rs) throws java.sql.SQLException {
        return new ModelAlias(rs.getString("name"), rs.getString("model_id"), Jdbc.instant(rs, "updated_at"));
    }
}
