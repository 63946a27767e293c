package io.bagsflow.cli.services;

import io.bagsflow.cli.CliEnvironment;
import io.bagsflow.cli.ExitCodes;
import io.bagsflow.cli.Table;
import io.bagsflow.worker.Doctor;
import io.bagsflow.worker.HealthCheck;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(
        name = "doctor",
        mixinStandardHelpOptions = true,
        description = {
            "Check each configured service (PostgreSQL, S3, Temporal) and the workers; say per service "
                    + "ok or what is wrong and how to fix it.",
            "Exit code 0 only when all three services are reachable."
        })
public final class DoctorCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(
            names = "--connect",
            paramLabel = "FILE",
            description = "check the services a connection file (from `up --bind`) names, as a worker on this "
                    + "machine would reach them")
    java.nio.file.Path connect;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<HealthCheck> checks = connect == null
                ? Doctor.check(CliEnvironment.get())
                : Doctor.checkConnection(connect, CliEnvironment.get().home());
        Table table = new Table("service", "status", "detail");
        for (HealthCheck c : checks) {
            table.row(c.service(), c.ok() ? "ok" : c.required() ? "FAILED" : "warning", c.detail());
        }
        table.print(out);
        for (HealthCheck c : checks) {
            if (!c.ok() && !c.hint().isEmpty()) {
                out.println("hint (" + c.service() + "): " + c.hint());
            }
        }
        return Doctor.allRequiredOk(checks) ? ExitCodes.OK : ExitCodes.FAILURE;
    }
}
