using System.Reflection;
using Polycloud.TestSupport;
using Xunit;

namespace Polycloud.Docs.Tests;

/// <summary>
/// The options rules of Polycloud.Tests' OptionsImmutabilityTests over every shipped library (this project references
/// them all): no public options type has a settable property, unless it is bound from configuration, and none holds a
/// collection its holder can change.
/// </summary>
public sealed class ShippedOptionsTests
{
    /// <summary>Every Polycloud library in this project's output (the libraries under src/ it references).</summary>
    private static Assembly[] Shipped()
        => Directory.GetFiles(AppContext.BaseDirectory, "Polycloud*.dll")
            .Select(Path.GetFileNameWithoutExtension)
            .Where(n => n is not null && !n.EndsWith(".Tests", StringComparison.Ordinal) && !n.Contains("Analyzers", StringComparison.Ordinal))
            .Select(n => Assembly.Load(new AssemblyName(n!)))
            .OrderBy(a => a.GetName().Name, StringComparer.Ordinal)
            .ToArray();

    public static TheoryData<string> OptionsTypeNames()
    {
        var data = new TheoryData<string>();
        foreach (var type in OptionsRules.OptionsTypes(Shipped()))
        {
            data.Add(type.AssemblyQualifiedName!);
        }

        return data;
    }

    [Fact]
    public void EveryShippedLibraryIsChecked()
    {
        var names = Shipped().Select(a => a.GetName().Name).ToArray();
        foreach (string expected in new[] { "Polycloud", "Polycloud.Aws", "Polycloud.Azure", "Polycloud.Google", "Polycloud.Databases", "Polycloud.Networking", "Polycloud.Billing", "Polycloud.Testing" })
        {
            Assert.Contains(expected, names);
        }

        Assert.True(OptionsTypeNames().Count > 20, "too few options types found");
    }

    [Theory]
    [MemberData(nameof(OptionsTypeNames))]
    public void An_options_type_is_init_only_and_holds_no_mutable_collection(string typeName)
    {
        var type = Type.GetType(typeName, throwOnError: true)!;
        if (!OptionsRules.IsBindingType(type))
        {
            var settable = OptionsRules.SettableProperties(type);
            Assert.True(settable.Length == 0, $"{type.FullName} has settable properties: {string.Join(", ", settable)}; make them init-only.");
        }

        var mutable = OptionsRules.MutableCollectionProperties(type);
        Assert.True(mutable.Length == 0, $"{type.FullName} holds mutable collections: {string.Join(", ", mutable)}; use read-only collections, copied when used.");
    }
}
