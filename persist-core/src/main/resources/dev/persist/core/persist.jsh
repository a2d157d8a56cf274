// Persist for Java: JShell startup script. With the Persist jars on the class path, run
//   jshell --class-path PERSIST_JARS --startup DEFAULT --startup persist.jsh
// (or simply "persist jshell", which does that with the distribution's jars)
// and persist lambdas that use your variables, methods, classes and records:
//   int n = 21;
//   var job = Persist.persist("answer", "local", () -> n * 2);
//   job.fetch()   // 42, also from a new JShell or any JVM: Persist.open("answer").fetch()
import dev.persist.*;
import java.time.Duration;
