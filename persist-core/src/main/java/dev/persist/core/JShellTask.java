package dev.persist.core;

import dev.persist.PersistentTask;
import java.lang.reflect.Field;
import java.util.List;

/**
 * A task typed in JShell, with the values of the JShell variables it reads.
 *
 * <p>JShell keeps a top-level variable such as {@code int n = 21;} in a static field of a
 * generated wrapper class, which a lambda reads rather than captures. In the job's JVM that field
 * would hold its default (0), so the values are taken along and put back before the task runs.
 *
 * @param task the task
 * @param variables the values of the variables it reads, as they were when it was persisted
 */
record JShellTask(PersistentTask<?> task, List<Variable> variables) implements PersistentTask<Object> {

    private static final long serialVersionUID = 1L;

    /**
     * A JShell variable.
     *
     * @param wrapper the class JShell generated to hold it
     * @param name its name, which is also the field's
     * @param value its value
     */
    record Variable(Class<?> wrapper, String name, Object value) {
    }

    @Override
    public Object call() throws Exception {
        for (Variable v : variables) {
            Field field = v.wrapper().getDeclaredField(v.name());
            field.setAccessible(true);
            field.set(null, v.value());
        }
        return task.call();
    }
}
