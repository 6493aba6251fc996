using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Polycloud.Networking.Aws;
using Polycloud.Networking.Azure;
using Polycloud.Networking.Google;
using Polycloud.Tests.Fuzzing;

namespace Polycloud.Networking.Tests;

/// <summary>
/// Mutated provider JSON against the importers and evaluators: valid documents (translated from random policies)
/// have values swapped for values of other types, structure broken, text cut and spliced; the importers answer with a
/// policy or with <see cref="CloudException"/> (InvalidArgument), never with another exception, and never hang.
/// Seeds are fixed, so every run checks the same cases.
/// </summary>
public sealed class ImporterFuzzTests
{
    private static readonly string[] Tokens =
    [
        "null", "true", "false", "0", "-1", "1.5", "1e309", "-1e309", "99999999999999999999", "65536", "4294967296", "\"\"", "\"..\"",
        "\"0.0.0.0/0\"", "\"::/0\"", "\"10.0.0.0/33\"", "\"300.1.1.1/8\"", "\"-1\"", "\"65536\"", "\"*\"", "\"1-0\"", "\"0-65535\"", "\"80-\"",
        "\"tcp\"", "\"-1\"", "\"all\"", "\"icmp\"", "\"\\u0000\"", "\"Allow\"", "\"Deny\"", "\"Inbound\"", "\"INGRESS\"", "[]", "{}", "[null]",
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
        "{\"a\":[1,{\"b\":null}]}", "[\"x\",1,true]", "\"" + new string('9', 400) + "\"",
    ];

    public static TheoryData<string> Providers => new() { "aws-sg", "aws-nacl", "azure-nsg", "gcp-firewall" };

    private static (INetworkPolicyTranslator Translator, PolicyShape Shape) Setup(string provider) => provider switch
    {
        "aws-sg" => (new AwsSecurityGroupTranslator(), PolicyShape.SecurityGroup),
        "aws-nacl" => (new AwsNetworkAclTranslator(), PolicyShape.NetworkAcl),
        "azure-nsg" => (new AzureNsgTranslator(), PolicyShape.Nsg),
        _ => (new GcpFirewallTranslator(), PolicyShape.Gcp),
    };

    /// <summary>One edit: 0 replaces a node by a token, 1 removes a node, 2 cuts the text, 3 splices a token into the
    /// text, 4 duplicates a slice of the text, 5 wraps a node in an array.</summary>
    private static Gen<(int Kind, int Position, int Length, int Token)> Mutation { get; } =
        Gen.Select(Gen.Int[0, 5], Gen.Int[0, 1_000_000], Gen.Int[0, 64], Gen.Int[0, Tokens.Length - 1]);

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Mutated_native_json_is_imported_or_rejected_with_InvalidArgument(string provider)
    {
        var (translator, shape) = Setup(provider);
        var cases = Gen.Select(PolicyGenerators.Policy(shape), Mutation.Array[1, 6]);
        int imported = 0, rejected = 0;
        await Fuzz.RunAsync(cases, c =>
        {
            string json = c.Item2.Aggregate(translator.Translate(c.Item1).Json, Mutate);
            if (Check(translator, json))
            {
                Interlocked.Increment(ref imported);
            }
            else
            {
                Interlocked.Increment(ref rejected);
            }
        }, seed: 0x1A_0000 + (ulong)provider.Length);

        // Both outcomes occur: the mutations neither always break the document nor never do.
        Assert.True(imported > 0 && rejected > 0, $"imported {imported}, rejected {rejected}");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Random_text_is_rejected_with_InvalidArgument(string provider)
    {
        var (translator, _) = Setup(provider);
        var text = Gen.OneOf(
            Fuzz.HostileText(20),
            Gen.OneOf(Tokens).Array[0, 12].Select(t => "[" + string.Join(",", t) + "]"),
            Gen.OneOf(Tokens).Array[0, 8].Select(t => "{\"" + string.Join("\":", t) + "}"));
        await Fuzz.RunAsync(text, json => Check(translator, json), seed: 0x1B_0000 + (ulong)provider.Length);
    }

    // Found by Random_text_is_rejected_with_InvalidArgument: text with an unpaired surrogate escaped as an ArgumentException.
    [Theory]
    [MemberData(nameof(Providers))]
    public void Json_with_an_unpaired_surrogate_is_InvalidArgument(string provider)
    {
        var (translator, _) = Setup(provider);
        foreach (string json in new[] { "\udc00", "[\"\ud800\"]", "{\"a\ud83d\":1}" })
        {
            var ex = Assert.Throws<CloudException>(() => translator.Import(json));
            Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
            Assert.Contains("Unicode", ex.Message, StringComparison.Ordinal);
            Assert.Equal(CloudErrorCode.InvalidArgument, Assert.Throws<CloudException>(() => translator.CreateEvaluator(json)).ErrorCode);
        }
    }

    /// <summary>Imports and evaluates; returns whether the document was accepted.</summary>
    private static bool Check(INetworkPolicyTranslator translator, string json)
    {
        try
        {
            var import = translator.Import(json);
            Assert.NotNull(import.Policy);
            translator.CreateEvaluator(json);
            return true;
        }
        catch (CloudException ex) when (ex.ErrorCode == CloudErrorCode.InvalidArgument)
        {
            Assert.False(string.IsNullOrWhiteSpace(ex.Message));
            return false;
        }
    }

    private static string Mutate(string json, (int Kind, int Position, int Length, int Token) m)
    {
        string token = Tokens[m.Token];
        switch (m.Kind)
        {
            case 2:
                return json.Length == 0 ? json : json.Remove(m.Position % json.Length, Math.Min(m.Length, json.Length - (m.Position % json.Length)));
            case 3:
                return json.Insert(json.Length == 0 ? 0 : m.Position % json.Length, token);
            case 4:
                if (json.Length == 0 || json.Length > 20_000)
                {
                    return json;
                }

                int start = m.Position % json.Length;
                return json.Insert(start, json.Substring(start, Math.Min(m.Length, json.Length - start)));
        }

        JsonNode? root;
        var nodes = new List<JsonNode>();
        try
        {
            root = JsonNode.Parse(json);
            Collect(root, nodes);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            // Not JSON any more (or an object with a repeated name, which JsonNode does not edit): splice the text.
            return json.Insert(json.Length == 0 ? 0 : m.Position % json.Length, token);
        }

        if (nodes.Count == 0)
        {
            return token;
        }

        var target = nodes[m.Position % nodes.Count];
        var parent = target.Parent;
        if (parent is null)
        {
            return token;
        }

        JsonNode? replacement = m.Kind switch
        {
            1 => null,
            5 => new JsonArray(target.DeepClone()),
            _ => ParseToken(token),
        };
        if (parent is JsonObject obj)
        {
            string name = target.GetPropertyName();
            if (m.Kind == 1)
            {
                obj.Remove(name);
            }
            else
            {
                obj[name] = replacement;
            }
        }
        else if (parent is JsonArray array)
        {
            int index = target.GetElementIndex();
            if (m.Kind == 1)
            {
                array.RemoveAt(index);
            }
            else
            {
                array[index] = replacement;
            }
        }

        return root!.ToJsonString();
    }

    private static JsonNode? ParseToken(string token)
    {
        try
        {
            return JsonNode.Parse(token, documentOptions: new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException)
        {
            return JsonValue.Create(token);
        }
    }

    private static void Collect(JsonNode? node, List<JsonNode> nodes)
    {
        if (node is null)
        {
            return;
        }

        nodes.Add(node);
        if (node is JsonObject obj)
        {
            foreach (var (_, child) in obj)
            {
                Collect(child, nodes);
            }
        }
        else if (node is JsonArray array)
        {
            foreach (var child in array)
            {
                Collect(child, nodes);
            }
        }
    }
}
