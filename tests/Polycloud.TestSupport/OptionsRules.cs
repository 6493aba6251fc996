using System.Reflection;
using System.Runtime.CompilerServices;

namespace Polycloud.TestSupport;

/// <summary>
/// What a public options type may hold: init-only properties (except the types bound from configuration, which are
/// settable and copied when used) and no collection its holder can change. Used by the core's immutability tests and by
/// the check over every shipped assembly.
/// </summary>
public static class OptionsRules
{
    /// <summary>Options bound from configuration with <c>services.Configure</c>: settable by design, copied when used.</summary>
    public static readonly string[] BindingTypeNames = ["Polycloud.Queues.QueueWorkerOptions", "Polycloud.DependencyInjection.PolycloudHealthCheckOptions"];

    /// <summary>The public types of <paramref name="assemblies"/> whose name ends in <c>Options</c>.</summary>
    public static IEnumerable<Type> OptionsTypes(IEnumerable<Assembly> assemblies)
        => assemblies.SelectMany(a => a.GetExportedTypes())
            .Where(t => t.Name.EndsWith("Options", StringComparison.Ordinal))
            .OrderBy(t => t.FullName, StringComparer.Ordinal);

    /// <summary>Whether <paramref name="type"/> is bound from configuration (settable by design).</summary>
    public static bool IsBindingType(Type type) => BindingTypeNames.Contains(type.FullName);

    /// <summary>The public properties of <paramref name="type"/> with a public setter that is not init-only.</summary>
    public static string[] SettableProperties(Type type)
        => type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true } setter && !setter.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit)))
            .Select(p => p.Name)
            .ToArray();

    /// <summary>The public properties of <paramref name="type"/> whose type is a collection its holder can change.</summary>
    public static string[] MutableCollectionProperties(Type type)
        => type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => IsMutableCollection(p.PropertyType))
            .Select(p => $"{p.Name} ({p.PropertyType.Name})")
            .ToArray();

    /// <summary>A collection whose contents its holder can change: an array, or anything with Add/Remove.</summary>
    public static bool IsMutableCollection(Type type)
        => type.IsArray
            || type.IsAssignableTo(typeof(System.Collections.IList))
            || type.IsAssignableTo(typeof(System.Collections.IDictionary))
            || (type.IsInterface ? [type, .. type.GetInterfaces()] : type.GetInterfaces())
                .Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ICollection<>));
}
