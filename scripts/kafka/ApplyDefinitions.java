// Applies deploy/kafka/definitions.sh to a cluster in one Kafka Admin client (one JVM, not one
// per command): scripts/kafka-cluster.sh queues each kafka-topics, kafka-configs and kafka-acls
// command the definitions run, one per line (the tool, then its arguments, tab-separated), and
// this reads the queue. It understands the options the definitions use and refuses any other,
// naming it. Topics that exist are left as they are (--if-not-exists). It returns once every
// broker of BOOTSTRAP (comma-separated) serves all the ACLs.
//
// Usage: java -cp 'KAFKA_LIBS/*' ApplyDefinitions.java BOOTSTRAP ADMIN_PROPERTIES QUEUE
import java.io.FileReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

public class ApplyDefinitions {
  // The options of one command: name -> values, in order (flags without a value: "").
  static Map<String, List<String>> options(String[] words, String line) {
    Map<String, List<String>> out = new HashMap<>();
    for (int i = 1; i < words.length; i++) {
      String w = words[i];
      if (!w.startsWith("--")) throw new IllegalArgumentException("unexpected '" + w + "' in: " + line);
      boolean flag = w.equals("--create") || w.equals("--if-not-exists") || w.equals("--add")
          || w.equals("--alter");
      String value = flag ? "" : (i + 1 < words.length ? words[++i] : "");
      out.computeIfAbsent(w, k -> new ArrayList<>()).add(value);
    }
    return out;
  }

  static String one(Map<String, List<String>> o, String name, String line) {
    List<String> v = o.get(name);
    if (v == null || v.size() != 1) throw new IllegalArgumentException("needs one " + name + ": " + line);
    return v.get(0);
  }

  static void only(Map<String, List<String>> o, List<String> allowed, String line) {
    for (String k : o.keySet()) {
      if (!allowed.contains(k)) throw new IllegalArgumentException("option " + k + " is not supported: " + line);
    }
  }

  public static void main(String[] args) throws Exception {
    Properties props = new Properties();
    try (FileReader r = new FileReader(args[1])) { props.load(r); }
    props.put("bootstrap.servers", args[0]);
    List<NewTopic> topics = new ArrayList<>();
    List<UserScramCredentialAlteration> users = new ArrayList<>();
    List<AclBinding> acls = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(args[2]))) {
      if (line.isBlank()) continue;
      String[] words = line.split("\t");
      Map<String, List<String>> o = options(words, line);
      switch (words[0]) {
        case "topics": {
          only(o, List.of("--create", "--if-not-exists", "--topic", "--partitions",
              "--replication-factor", "--config"), line);
          NewTopic t = new NewTopic(one(o, "--topic", line),
              Optional.of(Integer.parseInt(one(o, "--partitions", line))),
              Optional.of(Short.parseShort(one(o, "--replication-factor", line))));
          Map<String, String> configs = new HashMap<>();
          for (String c : o.getOrDefault("--config", List.of())) {
            String[] kv = c.split("=", 2);
            configs.put(kv[0], kv[1]);
          }
          topics.add(t.configs(configs));
          break;
        }
        case "configs": {
          only(o, List.of("--alter", "--entity-type", "--entity-name", "--add-config"), line);
          if (!one(o, "--entity-type", line).equals("users")) throw new IllegalArgumentException(line);
          // SCRAM-SHA-512=[iterations=N,password=P]
          String c = one(o, "--add-config", line);
          if (!c.startsWith("SCRAM-SHA-512=[") || !c.endsWith("]")) throw new IllegalArgumentException(line);
          int iterations = 4096;
          String password = null;
          for (String part : c.substring(15, c.length() - 1).split(",")) {
            String[] kv = part.split("=", 2);
            if (kv[0].equals("iterations")) iterations = Integer.parseInt(kv[1]);
            if (kv[0].equals("password")) password = kv[1];
          }
          users.add(new UserScramCredentialUpsertion(one(o, "--entity-name", line),
              new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, iterations), password));
          break;
        }
        case "acls": {
          only(o, List.of("--add", "--allow-principal", "--operation", "--topic", "--group",
              "--resource-pattern-type"), line);
          String principal = one(o, "--allow-principal", line);
          boolean topic = o.containsKey("--topic");
          String name = one(o, topic ? "--topic" : "--group", line);
          PatternType pattern = o.containsKey("--resource-pattern-type")
              ? PatternType.fromString(one(o, "--resource-pattern-type", line).toUpperCase(Locale.ROOT))
              : PatternType.LITERAL;
          ResourcePattern resource =
              new ResourcePattern(topic ? ResourceType.TOPIC : ResourceType.GROUP, name, pattern);
          for (String op : o.get("--operation")) {
            acls.add(new AclBinding(resource, new AccessControlEntry(principal, "*",
                AclOperation.fromString(op.toUpperCase(Locale.ROOT)), AclPermissionType.ALLOW)));
          }
          break;
        }
        default:
          throw new IllegalArgumentException("unknown tool: " + line);
      }
    }
    try (Admin admin = Admin.create(props)) {
      for (Map.Entry<String, KafkaFuture<Void>> e : admin.createTopics(topics).values().entrySet()) {
        try {
          e.getValue().get();
        } catch (ExecutionException ex) {
          if (!(ex.getCause() instanceof TopicExistsException)) throw ex;
        }
      }
      if (!users.isEmpty()) admin.alterUserScramCredentials(users).all().get();
      admin.createAcls(acls).all().get();
    }
    // Every broker applies the ACLs from the metadata log in its own time: wait until each
    // answers with all of them, so a client right after this is not refused by a late one.
    for (String broker : args[0].split(",")) {
      Properties one = (Properties) props.clone();
      one.put("bootstrap.servers", broker);
      try (Admin admin = Admin.create(one)) {
        long deadline = System.currentTimeMillis() + 30_000;
        while (admin.describeAcls(AclBindingFilter.ANY).values().get().size() < acls.size()) {
          if (System.currentTimeMillis() > deadline) {
            throw new IllegalStateException("broker " + broker + " lacks ACLs after 30 s");
          }
          Thread.sleep(100);
        }
      }
    }
    System.out.println("definitions applied: " + topics.size() + " topics, " + users.size()
        + " users, " + acls.size() + " ACLs");
  }
}
