package io.bagsflow.cli.runs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.bagsflow.cli.CliServices;
import io.bagsflow.cli.ExitCodes;
import io.bagsflow.cli.Table;
import io.bagsflow.cli.UserError;
import io.bagsflow.db.ModelAlias;
import io.bagsflow.db.ModelAliasRepository;
import io.bagsflow.db.ModelRecord;
import io.bagsflow.ml.io.JsonMappers;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "model",
        mixinStandardHelpOptions = true,
        description = "Name and export trained models.",
        subcommands = {ModelCommand.Alias.class, ModelCommand.Export.class})
public final class ModelCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: alias or export");
    }

    @Command(
            name = "alias",
            mixinStandardHelpOptions = true,
            description = "Names for models (\"champion\"): `predict --model NAME` and `model export NAME` take them.",
            subcommands = {Alias.Set.class, Alias.ListAliases.class, Alias.Remove.class})
    static final class Alias implements Runnable {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "a subcommand is required: set, list or remove");
        }

        @Command(
                name = "set",
                mixinStandardHelpOptions = true,
                description = {
                    "Point NAME at a model (creating the alias or moving it).",
                    "Example: model alias set champion MODEL"
                })
        static final class Set extends ReadingCommand {
            @Parameters(index = "0", paramLabel = "NAME")
            String name;

            @Parameters(index = "1", paramLabel = "MODEL", description = "a model id, or another alias")
            String model;

            @Override
            int read(CliServices services, PrintWriter out) throws Exception {
                ModelRecord target = ModelSource.modelRecord(model, services);
                Optional<String> before;
                try {
                    before = new ModelAliasRepository(services.database()).set(name, target.id());
                } catch (IllegalArgumentException e) {
                    throw new UserError(e.getMessage(), null);
                }
                out.println(before.filter(b -> !b.equals(target.id()))
                        .map(b -> name + " -> " + target.id() + " (was " + b + ")")
                        .orElse(name + " -> " + target.id()));
                return ExitCodes.OK;
            }
        }

        @Command(
                name = "list",
                mixinStandardHelpOptions = true,
                description = {"Every alias with its model, kind and run.", "Example: model alias list --json"})
        static final class ListAliases extends ReadingCommand {
            @Option(names = "--json", description = "[{\"alias\", \"model_id\", \"kind\", \"run_id\", \"updated_at\"}]")
            boolean json;

            @Override
            int read(CliServices services, PrintWriter out) throws Exception {
                List<ModelAlias> aliases = new ModelAliasRepository(services.database()).list();
                ObjectMapper mapper = JsonMappers.lenient();
                ArrayNode array = mapper.createArrayNode();
                Table table = new Table("alias", "model", "kind", "run", "set at");
                for (ModelAlias a : aliases) {
                    ModelRecord m = services.lineage().findModel(a.modelId()).orElseThrow();
                    array.addObject()
                            .put("alias", a.name())
                            .put("model_id", m.id())
                            .put("kind", m.kind())
                            .put("run_id", m.runId())
                            .put("updated_at", a.updatedAt().toString());
                    table.row(a.name(), m.id(), m.kind(), m.runId(), a.updatedAt());
                }
                if (json) {
                    out.println(mapper.writeValueAsString(array));
                } else if (aliases.isEmpty()) {
                    out.println("no aliases yet: `./bagsflow model alias set NAME MODEL` makes one");
                } else {
                    table.print(out);
                }
                return ExitCodes.OK;
            }
        }

        @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove an alias (not the model).")
        static final class Remove extends ReadingCommand {
            @Parameters(paramLabel = "NAME")
            String name;

            @Override
            int read(CliServices services, PrintWriter out) throws Exception {
                if (!new ModelAliasRepository(services.database()).remove(name)) {
                    throw new UserError("no alias \"" + name + "\"", "`./bagsflow model alias list` lists them");
                }
                out.println("removed alias " + name);
                return ExitCodes.OK;
            }
        }
    }

    @Command(
            name = "export",
            mixinStandardHelpOptions = true,
            description = {
                "Write a model's checkpoint and model.json (architecture, categories, inference settings) into a "
                        + "folder that `predict --model DIR` reads without the services.",
                "Example: model export MODEL --out OUT.model"
            })
    static final class Export extends ReadingCommand {
        @Parameters(paramLabel = "NAME|MODEL")
        String model;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "an empty or new folder")
        Path out;

        @Override
        int read(CliServices services, PrintWriter output) throws Exception {
            ModelRecord record = ModelSource.modelRecord(model, services);
            Path file = ModelSource.export(record, ModelSource.fromLineage(record, services), out);
            output.println("wrote " + file + " and " + out.resolve(ModelSource.CHECKPOINT_FILE));
            return ExitCodes.OK;
        }
    }
}
