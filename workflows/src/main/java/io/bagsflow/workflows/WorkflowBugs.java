package io.bagsflow.workflows;

import io.temporal.worker.WorkflowImplementationOptions;
import java.util.ConcurrentModificationException;
import java.util.NoSuchElementException;

/**
 * How a worker treats an exception thrown by workflow code itself (not an activity's failure): a bug such as an
 * {@code orElseThrow} on an empty value or a {@code Stage.valueOf} of an unknown name. By default Temporal fails the
 * workflow task and retries it for ever, so the run would show RUNNING until someone deploys a fix; with these
 * options such an exception fails the workflow, and the reconciler (or the workflow's own handler) records the run
 * FAILED with the cause.
 */
public final class WorkflowBugs {

    private WorkflowBugs() {}

    /**
     * The exception types that fail the workflow. {@link IllegalStateException} is left out on purpose: Temporal's
     * {@code NonDeterministicException} extends it, and a nondeterministic deploy must stall the workflows it
     * affects (until the code is fixed) instead of failing every run in flight.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static final Class<? extends Throwable>[] FAIL_WORKFLOW = new Class[] {
        NoSuchElementException.class,
        IllegalArgumentException.class,
        NullPointerException.class,
        ClassCastException.class,
        IndexOutOfBoundsException.class,
        ArithmeticException.class,
        UnsupportedOperationException.class,
        ConcurrentModificationException.class
    };

    /** The options to register every workflow implementation with. */
    public static WorkflowImplementationOptions implementationOptions() {
        return WorkflowImplementationOptions.newBuilder()
                .setFailWorkflowExceptionTypes(FAIL_WORKFLOW.clone())
                .build();
    }
}
