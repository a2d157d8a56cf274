package dev.persist.core;

import dev.persist.PersistException;
import dev.persist.PersistentTask;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Makes a task typed in JShell runnable in the job's JVM.
 *
 * <p>JShell compiles each snippet into a class in package {@code REPL}: a <em>wrapper</em>
 * {@code REPL.$JShell$11} holding a snippet's variables as static fields and its methods as static
 * methods, with the classes and records the snippet declares nested inside it
 * ({@code REPL.$JShell$12$Box}). These classes exist only in the JShell session; their bytes are
 * resources of its class loader.
 *
 * <p>From what the task's serialization wrote ({@link CodeRecorder}), this follows the code the
 * task can run: the lambda's method, the wrapper methods it calls, and every method of the
 * JShell-declared classes it uses, transitively. It ships the bytes of every JShell class that code
 * names, and the values of the wrapper fields (JShell variables) it reads, which a
 * {@link JShellTask} puts back in the job's JVM. A task that touches no JShell class is left as
 * it is.
 */
final class JShellCapture {

    /** JShell's package, as a prefix of internal names. */
    private static final String REPL = "REPL/";
    private static final Pattern WRAPPER = Pattern.compile("REPL/\\$JShell\\$\\d+");

    private final Map<String, byte[]> shipped = new TreeMap<>();
    private final Map<String, ClassFileInfo> parsed = new HashMap<>();
    private final Map<String, ClassLoader> loaders = new HashMap<>();
    private final Set<String> scannedClasses = new HashSet<>();
    private final Set<String> scannedMethods = new HashSet<>();
    /** Wrapper fields read, as "owner.name" with the owner's internal name. */
    private final Set<String> variablesRead = new LinkedHashSet<>();
    /** The declared types of the variables read, as JShell shows them, for messages. */
    private final Map<JShellTask.Variable, String> declaredTypes = new IdentityHashMap<>();

    private JShellCapture() {
    }

    /**
     * @param loader a class loader
     * @return whether it is the loader of a JShell session's snippets
     */
    static boolean isJShell(ClassLoader loader) {
        return loader != null && "jdk.jshell".equals(loader.getClass().getModule().getName());
    }

    /**
     * Serializes a task, taking along what it needs from JShell if it comes from there.
     *
     * @param task the task
     * @param codec the codec
     * @return the serialized task and the JShell classes it needs
     * @throws UnserializableValueException if the task, or the value of a JShell variable it reads
     *     (named in the message), cannot be serialized
     */
    static TaskPayload capture(PersistentTask<?> task, KryoCodec codec) {
        CodeRecorder recorder = new CodeRecorder();
        byte[] bytes = codec.toBytes(task, recorder);
        JShellCapture capture = new JShellCapture();
        capture.follow(recorder);
        if (capture.shipped.isEmpty()) {
            return new TaskPayload(bytes, Map.of());
        }
        // The variables' values may hold instances of JShell classes whose code reads more variables.
        Map<String, JShellTask.Variable> variables = new LinkedHashMap<>();
        while (!variables.keySet().containsAll(capture.variablesRead)) {
            for (String variable : capture.variablesRead) {
                if (!variables.containsKey(variable)) {
                    variables.put(variable, capture.read(variable)); // null for a field JShell does not assign
                }
            }
            JShellTask wrapped = new JShellTask(task, variables.values().stream().filter(Objects::nonNull).toList());
            bytes = capture.serialize(wrapped, codec, recorder);
            capture.follow(recorder);
        }
        return new TaskPayload(bytes, capture.shipped);
    }

    /** Serializes the task; if that fails because of a variable's value, says which variable. */
    private byte[] serialize(JShellTask task, KryoCodec codec, CodeRecorder recorder) {
        try {
            return codec.toBytes(task, recorder);
        } catch (UnserializableValueException e) {
            for (JShellTask.Variable v : task.variables()) {
                try {
                    codec.toBytes(v.value());
                } catch (UnserializableValueException cause) {
                    throw new UnserializableValueException(cause.offendingClass(), "Cannot persist the task: it reads"
                            + " the JShell variable '" + v.name() + "' (" + declaredTypes.get(v) + "), whose value"
                            + " cannot be sent to the job. " + cause.getMessage() + " Or create the value inside the"
                            + " task.", cause);
                }
            }
            throw e;
        }
    }

    /** Follows what was written so far; idempotent. */
    private void follow(CodeRecorder recorder) {
        for (CodeRecorder.Lambda lambda : recorder.lambdas()) {
            SerializedLambda form = lambda.form();
            if (form.getCapturingClass().startsWith(REPL)) {
                reachClass(form.getCapturingClass(), lambda.loader());
            }
            reachMethod(form.getImplClass(), form.getImplMethodName() + form.getImplMethodSignature(), lambda.loader());
        }
        for (Class<?> type : recorder.classes()) {
            while (type.isArray()) {
                type = type.getComponentType();
            }
            String name = type.getName().replace('.', '/');
            if (name.startsWith(REPL) && !type.isHidden()) {
                reachClass(name, type.getClassLoader());
            }
        }
    }

    /** A wrapper is shipped; any other JShell class is shipped and all its code followed. */
    private void reachClass(String name, ClassLoader loader) {
        ClassFileInfo info = ship(name, loader, true);
        if (WRAPPER.matcher(name).matches() || !scannedClasses.add(name)) {
            return;
        }
        for (String supertype : info.supertypes()) {
            if (supertype.startsWith(REPL)) {
                reachClass(supertype, loader);
            }
        }
        for (String method : info.methods()) {
            scan(info, method, loader);
        }
    }

    private void reachMethod(String owner, String method, ClassLoader loader) {
        if (!owner.startsWith(REPL)) {
            return;
        }
        if (!WRAPPER.matcher(owner).matches()) {
            reachClass(owner, loader);
            return;
        }
        ClassFileInfo info = ship(owner, loader, true);
        if (scannedMethods.add(owner + "." + method)) {
            scan(info, method, loader);
        }
    }

    private void scan(ClassFileInfo info, String method, ClassLoader loader) {
        for (ClassFileInfo.Reference r : info.references(method)) {
            if (!r.owner().startsWith(REPL)) {
                continue;
            }
            switch (r.use()) {
                case METHOD -> reachMethod(r.owner(), r.name() + r.descriptor(), loader);
                case STATIC_READ -> {
                    reachClass(r.owner(), loader);
                    if (WRAPPER.matcher(r.owner()).matches()) {
                        variablesRead.add(r.owner() + "." + r.name());
                    }
                }
                case CLASS -> reachClass(r.owner(), loader);
            }
        }
    }

    /**
     * Adds a class's bytes, and those of every JShell class it mentions, to what is shipped: the
     * job's JVM may need them to load and verify it.
     *
     * @param needed whether the task's code uses the class (otherwise it is merely mentioned, and
     *     a name that is no class is ignored)
     * @return the class, or null if it is merely mentioned and does not exist
     */
    private ClassFileInfo ship(String name, ClassLoader loader, boolean needed) {
        ClassFileInfo known = parsed.get(name);
        if (known != null) {
            return known;
        }
        byte[] bytes;
        try (InputStream in = loader == null ? null : loader.getResourceAsStream(name + ".class")) {
            bytes = in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            bytes = null;
        }
        if (bytes == null) {
            if (needed) {
                throw new PersistException("Cannot persist the task: it uses the JShell class " + name.replace('/', '.')
                        + ", but the JShell session does not provide its bytes");
            }
            return null;
        }
        ClassFileInfo info;
        try {
            info = ClassFileInfo.parse(bytes);
        } catch (IOException e) {
            throw new PersistException("Cannot persist the task: cannot read the JShell class " + name.replace('/', '.')
                    + ": " + e.getMessage(), e);
        }
        shipped.put(name.replace('/', '.'), bytes);
        parsed.put(name, info);
        loaders.put(name, loader);
        for (String mentioned : info.mentionedClasses(REPL)) {
            ship(mentioned, loader, false);
        }
        return info;
    }

    /** @return the variable's current value, or null if it is not a variable JShell assigns */
    private JShellTask.Variable read(String variable) {
        int dot = variable.indexOf('.');
        String owner = variable.substring(0, dot);
        String name = variable.substring(dot + 1);
        try {
            Class<?> wrapper = Class.forName(owner.replace('/', '.'), false, loaders.get(owner));
            Field field = wrapper.getDeclaredField(name);
            if (!Modifier.isStatic(field.getModifiers()) || Modifier.isFinal(field.getModifiers())) {
                return null;
            }
            field.setAccessible(true);
            JShellTask.Variable value = new JShellTask.Variable(wrapper, name, field.get(null));
            declaredTypes.put(value, field.getGenericType().getTypeName());
            return value;
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            throw new PersistException("Cannot persist the task: cannot read the JShell variable '" + name + "': " + e, e);
        }
    }
}
