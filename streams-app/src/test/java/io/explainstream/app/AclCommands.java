package io.explainstream.app;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The README's {@code kafka-acls.sh} commands (its lines that start with {@code $ACL }) as ACL bindings, so that a
 * test grants exactly what the README documents. Shell variables ({@code $APP_ID}, {@code "$INPUT"}) take the
 * test's values; an unknown variable or option is an error.
 */
final class AclCommands {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?([A-Z_]+)}?");

    private AclCommands() {
    }

    static List<AclBinding> parse(String readme, Map<String, String> variables, String principal) {
        List<AclBinding> bindings = new ArrayList<>();
        for (String line : readme.lines().map(String::strip).filter(l -> l.startsWith("$ACL ")).toList()) {
            bindings.addAll(command(substitute(line.substring("$ACL ".length()), variables), principal));
        }
        if (bindings.isEmpty()) {
            throw new IllegalStateException("the README has no `$ACL ...` lines");
        }
        return bindings;
    }

    private static String substitute(String line, Map<String, String> variables) {
        Matcher m = VARIABLE.matcher(line.replace("\"", ""));
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String value = variables.get(m.group(1));
            if (value == null) {
                throw new IllegalStateException("no value for $" + m.group(1) + " in: " + line);
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(value));
        }
        return m.appendTail(sb).toString();
    }

    private static List<AclBinding> command(String args, String principal) {
        List<AclOperation> operations = new ArrayList<>();
        List<String[]> resources = new ArrayList<>();
        PatternType patternType = PatternType.LITERAL;
        String[] tokens = args.split("\\s+");
        for (int i = 0; i < tokens.length; i++) {
            switch (tokens[i]) {
                case "--operation" -> operations.add(AclOperation.valueOf(snake(tokens[++i])));
                case "--topic" -> resources.add(new String[]{"TOPIC", tokens[++i]});
                case "--group" -> resources.add(new String[]{"GROUP", tokens[++i]});
                case "--transactional-id" -> resources.add(new String[]{"TRANSACTIONAL_ID", tokens[++i]});
                case "--cluster" -> resources.add(new String[]{"CLUSTER", "kafka-cluster"});
                case "--resource-pattern-type" -> patternType = PatternType.valueOf(snake(tokens[++i]));
                default -> throw new IllegalStateException("unexpected '" + tokens[i] + "' in: " + args);
            }
        }
        List<AclBinding> out = new ArrayList<>();
        for (String[] r : resources) {
            for (AclOperation op : operations) {
                out.add(new AclBinding(new ResourcePattern(ResourceType.valueOf(r[0]), r[1], patternType),
                        new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW)));
            }
        }
        return out;
    }

    /** {@code DescribeConfigs} → {@code DESCRIBE_CONFIGS}, as kafka-acls.sh reads operation names. */
    private static String snake(String camel) {
        return camel.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }
}
