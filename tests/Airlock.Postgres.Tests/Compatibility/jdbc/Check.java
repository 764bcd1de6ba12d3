// The PostgreSQL JDBC driver through the Airlock gateway (run by JdbcThroughGatewayTests as a single-file
// source program: java -cp postgresql.jar Check.java PORT USER PASSWORD). Prints key=value lines.
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

public class Check {
    public static void main(String[] args) throws SQLException {
        var url = "jdbc:postgresql://127.0.0.1:" + args[0] + "/demo";
        var properties = new Properties();
        properties.setProperty("user", args[1]);
        properties.setProperty("password", args[2]);
        properties.setProperty("sslmode", "disable");
        properties.setProperty("ApplicationName", "airlock-jdbc-check");
        try (Connection connection = DriverManager.getConnection(url, properties)) {
            System.out.println("driver=" + connection.getMetaData().getDriverVersion());

            // A parameter: the driver uses the extended protocol; from the fifth run (prepareThreshold) a named
            // server-side statement.
            try (PreparedStatement select = connection.prepareStatement("SELECT id, email, card_number FROM customers WHERE id = ?")) {
                for (long id = 1; id <= 8; id++) {
                    select.setLong(1, id);
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            System.out.println("row=" + rows.getLong(1) + " " + rows.getString(2) + " " + rows.getString(3));
                        }
                    }
                }
            }

            try (Statement statement = connection.createStatement()) {
                statement.execute("DROP TABLE orders");
                System.out.println("dropped=yes");
            } catch (SQLException e) {
                System.out.println("denied=" + e.getSQLState() + " " + e.getMessage().lines().findFirst().orElse(""));
            }

            try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("SELECT count(*) FROM orders")) {
                rows.next();
                System.out.println("orders=" + rows.getLong(1));
            }

            try (PreparedStatement update = connection.prepareStatement("UPDATE orders SET status = ? WHERE id = ?")) {
                update.setString(1, "refunded");
                update.setLong(2, 5);
                update.executeUpdate();
                System.out.println("updated=yes");
            } catch (SQLException e) {
                System.out.println("held=" + e.getSQLState() + " " + e.getMessage().lines().findFirst().orElse(""));
            }

            try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("SELECT 'still here'")) {
                rows.next();
                System.out.println("after=" + rows.getString(1));
            }
        }
    }
}
