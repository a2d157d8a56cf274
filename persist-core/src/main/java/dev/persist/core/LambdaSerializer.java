package dev.persist.core;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.TypeVariable;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Serializes lambdas and method references whose target type is {@link Serializable}.
 *
 * <p>Kryo's {@code ClosureSerializer} needs {@code --add-opens java.base/java.lang.invoke} and
 * resolves the defining class with Kryo's own class loader. This one takes the lambda apart with
 * its {@code writeReplace} method and rebuilds it through the defining class's
 * {@code $deserializeLambda$}, both of which user code may call reflectively, and resolves the
 * defining class through {@link Kryo#getClassLoader()}. Captured values go through Kryo, so they need
 * not be {@link Serializable}. Lambdas defined in modules that are not open to us (such as
 * {@code Comparator.comparing} in {@code java.base}) fall back to Java serialization as a whole.
 */
final class LambdaSerializer extends Serializer<Object> {
    private static final byte BY_PARTS = 0;
    private static final byte JAVA_SERIALIZED = 1;

    private final CycleCheckingReferenceResolver references;
    private final SerializerPolicy.JavaFallbackSerializer javaSerializer = new SerializerPolicy.JavaFallbackSerializer();

    LambdaSerializer(CycleCheckingReferenceResolver references) {
        this.references = references;
    }

    /** The name of the class whose code defines the given lambda class. */
    static String definingClassName(Class<?> lambdaClass) {
        String name = lambdaClass.getName();
        int end = name.indexOf("$$Lambda");
        return end < 0 ? name : name.substring(0, end);
    }

    @Override
    public void write(Kryo kryo, Output output, Object lambda) {
        Class<?> type = lambda.getClass();
        if (!(lambda instanceof Serializable)) {
            throw notSerializable(type);
        }
        Method writeReplace;
        try {
            writeReplace = type.getDeclaredMethod("writeReplace");
        } catch (NoSuchMethodException e) {
            throw new KryoException("Serializable lambda without writeReplace: " + type.getName(), e);
        }
        if (!writeReplace.trySetAccessible()) {
            output.writeByte(JAVA_SERIALIZED);
            javaSerializer.write(kryo, output, lambda);
            return;
        }
        SerializedLambda form;
        try {
            form = (SerializedLambda) writeReplace.invoke(lambda);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new KryoException("Cannot take apart the lambda " + type.getName(), e);
        }
        CodeRecorder.recordLambda(kryo, type, form);
        output.writeByte(BY_PARTS);
        output.writeString(form.getCapturingClass().replace('/', '.'));
        output.writeString(form.getFunctionalInterfaceClass());
        output.writeString(form.getFunctionalInterfaceMethodName());
        output.writeString(form.getFunctionalInterfaceMethodSignature());
        output.writeVarInt(form.getImplMethodKind(), true);
        output.writeString(form.getImplClass());
        output.writeString(form.getImplMethodName());
        output.writeString(form.getImplMethodSignature());
        output.writeString(form.getInstantiatedMethodType());
        output.writeVarInt(form.getCapturedArgCount(), true);
        references.startWritingLambda(lambda);
        try {
            for (int i = 0; i < form.getCapturedArgCount(); i++) {
                try {
                    kryo.writeClassAndObject(output, form.getCapturedArg(i));
                } catch (RuntimeException e) {
                    KryoException traced = e instanceof KryoException k ? k : new KryoException(e);
                    traced.addTrace("captured value " + (i + 1) + " of a lambda in " + definingClassName(type));
                    throw traced;
                }
            }
        } finally {
            references.finishWritingLambda(lambda);
        }
    }

    @Override
    public Object read(Kryo kryo, Input input, Class<?> type) {
        if (input.readByte() == JAVA_SERIALIZED) {
            return javaSerializer.read(kryo, input, Object.class);
        }
        String capturingClassName = input.readString();
        Class<?> capturingClass;
        try {
            capturingClass = Class.forName(capturingClassName, false, kryo.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new KryoException(e);
        }
        String functionalInterfaceClass = input.readString();
        String functionalInterfaceMethodName = input.readString();
        String functionalInterfaceMethodSignature = input.readString();
        int implMethodKind = input.readVarInt(true);
        String implClass = input.readString();
        String implMethodName = input.readString();
        String implMethodSignature = input.readString();
        String instantiatedMethodType = input.readString();
        Object[] capturedArgs = new Object[input.readVarInt(true)];
        for (int i = 0; i < capturedArgs.length; i++) {
            capturedArgs[i] = kryo.readClassAndObject(input);
        }
        SerializedLambda form = new SerializedLambda(capturingClass, functionalInterfaceClass,
                functionalInterfaceMethodName, functionalInterfaceMethodSignature, implMethodKind, implClass,
                implMethodName, implMethodSignature, instantiatedMethodType, capturedArgs);
        try {
            Method deserialize = capturingClass.getDeclaredMethod("$deserializeLambda$", SerializedLambda.class);
            deserialize.setAccessible(true);
            return deserialize.invoke(null, form);
        } catch (NoSuchMethodException e) {
            throw changedSinceWritten(capturingClassName, e);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IllegalArgumentException) {
                throw changedSinceWritten(capturingClassName, e.getCause());
            }
            throw new KryoException("Cannot rebuild a lambda defined in " + capturingClassName, e.getCause());
        } catch (IllegalAccessException | RuntimeException e) {
            throw new KryoException("Cannot rebuild a lambda defined in " + capturingClassName, e);
        }
    }

    private static ReadFailure changedSinceWritten(String capturingClassName, Throwable cause) {
        return new ReadFailure("Cannot restore a lambda defined in " + capturingClassName + ": the code of "
                + capturingClassName + " changed since the value was written, and the lambda no longer"
                + " matches it. Run with the classes the value was written with.", cause);
    }

    private static UnserializableValueException notSerializable(Class<?> lambdaClass) {
        Class<?> target = lambdaClass.getInterfaces().length > 0 ? lambdaClass.getInterfaces()[0] : Object.class;
        TypeVariable<?>[] parameters = target.getTypeParameters();
        String castType = target.getSimpleName() + (parameters.length == 0 ? ""
                : Arrays.stream(parameters).map(TypeVariable::getName).collect(Collectors.joining(", ", "<", ">")));
        return new UnserializableValueException(lambdaClass.getName(),
                "Cannot serialize a lambda defined in " + definingClassName(lambdaClass) + ": its type "
                        + target.getName() + " is not Serializable. Declare it as a PersistentTask (or another"
                        + " Serializable interface), or cast it where it is written: (" + castType
                        + " & Serializable) ...",
                null);
    }
}
