package io.bagsflow.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bagsflow.worker.WorkerIdentity.Liveness;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker's identity is judged by a pid only when it proves the worker was a process of this machine and boot: two
 * machines may share a host name and pids. The machines here are {@code /proc} trees written by the test (boot id,
 * PID namespace link, {@code PID/stat}), so that two of them can hold the same pid; one case reads the real one.
 */
class WorkerIdentityTest {

    @Test
    void thisProcessIsJudgedRunningHereAndKeepsOneIdentity() {
        assumeTrue(Files.isReadable(Path.of("/proc/self/stat")), "no /proc on this system: identities are random");
        String self = WorkerIdentity.current();

        assertEquals(Liveness.RUNNING_HERE, WorkerIdentity.judge(self));
        assertEquals(self, WorkerIdentity.current());
        assertTrue(self.startsWith(ProcessHandle.current().pid() + "@" + WorkerIdentity.host() + "/"), self);
    }

    @Test
    void aWorkerOnAnotherMachineWithTheSameHostNameAndPidIsNeverJudgedByTheLocalCheck(@TempDir Path dir)
            throws Exception {
        Path here = machine(dir.resolve("here"), "0b5e1f7a-0000-4000-8000-000000000001", "pid:[4026531836]");
        Path there = machine(dir.resolve("there"), "7c2d9e11-0000-4000-8000-000000000002", "pid:[4026531836]");
        process(there, 4242, 881234);
        String elsewhere = WorkerIdentity.local(there, 4242, "gpu-box");

        // no process 4242 here at all: the old pid@host check called that dead
        assertEquals(Liveness.NOT_JUDGED_HERE, WorkerIdentity.judge(here, elsewhere));
        // a process 4242 here that started at another time: still not a judgement on the other machine's worker
        process(here, 4242, 17);
        assertEquals(Liveness.NOT_JUDGED_HERE, WorkerIdentity.judge(here, elsewhere));
        // the same host name and pid on both machines, yet two identities
        String local = WorkerIdentity.local(here, 4242, "gpu-box");
        assertNotEquals(elsewhere, local);
        assertTrue(elsewhere.startsWith("4242@gpu-box/"), elsewhere);
        assertEquals(Liveness.RUNNING_HERE, WorkerIdentity.judge(there, elsewhere));
    }

    @Test
    void aWorkerOfThisMachineWhosePidIsFreeOrReusedIsGoneHere(@TempDir Path dir) throws Exception {
        Path here = machine(dir, "0b5e1f7a-0000-4000-8000-000000000001", "pid:[4026531836]");
        process(here, 4242, 881234);
        String worker = WorkerIdentity.local(here, 4242, "gpu-box");
        assertEquals(Liveness.RUNNING_HERE, WorkerIdentity.judge(here, worker));

        // the worker ended and another process got its pid
        process(here, 4242, 990001);
        assertEquals(Liveness.GONE_HERE, WorkerIdentity.judge(here, worker));

        Files.delete(here.resolve("4242/stat"));
        assertEquals(Liveness.GONE_HERE, WorkerIdentity.judge(here, worker));
    }

    @Test
    void anotherPidNamespaceOfTheSameKernelIsAnotherMachine(@TempDir Path dir) throws Exception {
        String boot = "0b5e1f7a-0000-4000-8000-000000000001";
        Path host = machine(dir.resolve("host"), boot, "pid:[4026531836]");
        Path container = machine(dir.resolve("container"), boot, "pid:[4026532999]");
        process(container, 7, 5000);

        String inContainer = WorkerIdentity.local(container, 7, "box");

        assertEquals(Liveness.NOT_JUDGED_HERE, WorkerIdentity.judge(host, inContainer));
    }

    @Test
    void legacyRemoteAndUnprovableIdentitiesAreNotJudged(@TempDir Path dir) throws Exception {
        Path here = machine(dir, "0b5e1f7a-0000-4000-8000-000000000001", "pid:[4026531836]");

        assertEquals(Liveness.NOT_JUDGED_HERE, WorkerIdentity.judge(here, "4242@gpu-box"));
        assertEquals(Liveness.NOT_JUDGED_HERE, WorkerIdentity.judge(here, "remote-0a1b2c3d4e5f@gpu-box"));
        assertEquals(Liveness.NOT_JUDGED_HERE, WorkerIdentity.judge(here, "w1"));
        assertEquals(Liveness.NOT_JUDGED_HERE, WorkerIdentity.judge(here, null));
        // a /proc without boot id (not Linux): a random identity, unique per call, that nothing can judge
        Path bare = Files.createDirectories(dir.resolve("bare"));
        process(bare, 4242, 881234);
        String random = WorkerIdentity.local(bare, 4242, "gpu-box");
        assertNotEquals(random, WorkerIdentity.local(bare, 4242, "gpu-box"));
        assertTrue(random.matches("4242@gpu-box/[0-9a-f]{12}"), random);
        assertEquals(Liveness.NOT_JUDGED_HERE, WorkerIdentity.judge(here, random));
    }

    @Test
    void remoteIdentitiesAreUniquePerCallAndShowTheHost() {
        String a = WorkerIdentity.remote();

        assertNotEquals(a, WorkerIdentity.remote());
        assertTrue(a.matches("remote-[0-9a-f]{12}@" + java.util.regex.Pattern.quote(WorkerIdentity.host())), a);
    }

    /** A /proc tree with what the identity reads of a machine: its boot id and this process's PID namespace. */
    private static Path machine(Path proc, String bootId, String pidNamespace) throws Exception {
        Files.createDirectories(proc.resolve("sys/kernel/random"));
        Files.writeString(proc.resolve("sys/kernel/random/boot_id"), bootId + "\n");
        Files.createDirectories(proc.resolve("self/ns"));
        Files.createSymbolicLink(proc.resolve("self/ns/pid"), Path.of(pidNamespace));
        return proc;
    }

    /** Process {@code pid}, started {@code startTicks} after boot, named with the spaces and parentheses a name may hold. */
    private static void process(Path proc, long pid, long startTicks) throws Exception {
        Files.createDirectories(proc.resolve(Long.toString(pid)));
        StringBuilder stat = new StringBuilder(pid + " (java (worker) x) S");
        for (int field = 4; field <= 21; field++) {
            stat.append(" 0");
        }
        stat.append(' ').append(startTicks).append(" 123456 789 18446744073709551615\n");
        Files.writeString(proc.resolve(pid + "/stat"), stat.toString());
    }
}
