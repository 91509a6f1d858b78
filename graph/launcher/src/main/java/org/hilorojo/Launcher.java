package org.hilorojo;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;

/**
 * Runs Neo4j Community (embedded) with the Bolt connector and authentication that a config file sets.
 *
 * <p>Usage: {@code java -cp ... org.hilorojo.Launcher HOME CONFIG_FILE}. The Python side
 * ({@code graph/local_server.py}) writes the config file (Bolt on a loopback address,
 * authentication on, usage reporting off, memory) and a password file whose path is given by the
 * environment variable {@code HILOROJO_PASSWORD_FILE}; the launcher sets the {@code neo4j} user's
 * password from it. The process runs until SIGTERM/SIGINT, then shuts the database down cleanly.
 */
public final class Launcher {
    private Launcher() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: Launcher HOME CONFIG_FILE");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        Path configFile = Path.of(args[1]).toAbsolutePath();
        String passwordFile = System.getenv("HILOROJO_PASSWORD_FILE");
        if (passwordFile == null) {
            System.err.println("hilorojo-launcher: HILOROJO_PASSWORD_FILE is not set");
            System.exit(2);
        }
        String password = Files.readString(Path.of(passwordFile), StandardCharsets.UTF_8).strip();

        DatabaseManagementService service =
                new DatabaseManagementServiceBuilder(home).loadPropertiesFromFile(configFile).build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("hilorojo-launcher: shutting down");
            service.shutdown();
            System.out.println("hilorojo-launcher: stopped");
            stopped.countDown();
        }, "hilorojo-shutdown"));

        setPassword(service.database("system"), password);
        GraphDatabaseService db = service.database("neo4j");
        db.executeTransactionally("RETURN 1");
        System.out.println("hilorojo-launcher: ready");
        System.out.flush();
        stopped.await();
    }

    /** Sets the neo4j user's password; embedded transactions run with full rights, without a login. */
    private static void setPassword(GraphDatabaseService system, String password) {
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PLAINTEXT PASSWORD $pw CHANGE NOT REQUIRED",
                    Map.of("pw", password));
        } catch (RuntimeException e) {
            // Setting the password the user already has is refused; anything else is a real failure.
            String message = String.valueOf(e.getMessage());
            if (!message.contains("Old password and new password cannot be the same")) {
                throw e;
            }
        }
    }
}
