using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Polycloud.Analyzers
{
    /// <summary>What the catalog says about one native type or member.</summary>
    internal sealed class CloudApi
    {
        public CloudApi(string provider, string service, string? portable, bool isRegistration)
        {
            Provider = provider;
            Service = service;
            Portable = portable;
            IsRegistration = isRegistration;
        }

        public string Provider { get; }

        public string Service { get; }

        /// <summary>The portable equivalent, or <c>null</c> for a provider-only feature.</summary>
        public string? Portable { get; }

        public bool IsRegistration { get; }
    }

    /// <summary>
    /// Classifies symbols against <see cref="NativeApiCatalog"/>. One instance per compilation (created in a
    /// compilation-start action); every lookup is cached, and the caches are safe for concurrent actions.
    /// </summary>
    internal sealed class CloudSymbolClassifier
    {
        private static readonly Dictionary<string, ServiceEntry> ServicesByNamespace = BuildServiceIndex();
        private static readonly Dictionary<string, ServiceEntry> LooseTypesByName = BuildLooseTypeIndex();
        private static readonly Dictionary<string, ClientEntry> ClientsByType = BuildClientIndex();
        private static readonly HashSet<string> ProviderOnlyTypes = new HashSet<string>(NativeApiCatalog.ProviderOnlyTypes, StringComparer.Ordinal);

        private static readonly CloudApi NotCloud = new CloudApi(string.Empty, string.Empty, null, false);

        private readonly IAssemblySymbol _sourceAssembly;
        private readonly ConcurrentDictionary<INamespaceSymbol, CloudApi> _namespaces = new ConcurrentDictionary<INamespaceSymbol, CloudApi>(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<ITypeSymbol, CloudApi> _types = new ConcurrentDictionary<ITypeSymbol, CloudApi>(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<ISymbol, CloudApi> _members = new ConcurrentDictionary<ISymbol, CloudApi>(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<INamespaceSymbol, string> _namespaceNames = new ConcurrentDictionary<INamespaceSymbol, string>(SymbolEqualityComparer.Default);
        private readonly INamedTypeSymbol? _exceptionType;

        public CloudSymbolClassifier(Compilation compilation)
        {
            _sourceAssembly = compilation.Assembly;
            _exceptionType = compilation.GetTypeByMetadataName("System.Exception");
        }

        /// <summary>Whether a compilation references any cloud SDK assembly at all (otherwise the native-API rules stay off).</summary>
        public static bool ReferencesCloudSdk(Compilation compilation)
        {
            foreach (var identity in compilation.ReferencedAssemblyNames)
            {
                if (ProviderForAssemblyName(identity.Name) != null)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Classifies a type, looking through arrays, pointers, nullable and generic type arguments.</summary>
        public CloudApi? ClassifyTypeDeep(ITypeSymbol? type)
        {
            for (var depth = 0; type != null && depth < 8; depth++)
            {
                switch (type)
                {
                    case IArrayTypeSymbol array:
                        type = array.ElementType;
                        continue;
                    case IPointerTypeSymbol pointer:
                        type = pointer.PointedAtType;
                        continue;
                    case INamedTypeSymbol named:
                        var own = ClassifyType(named);
                        if (own != null)
                        {
                            return own;
                        }

                        if (!named.IsGenericType)
                        {
                            return null;
                        }

                        foreach (var argument in named.TypeArguments)
                        {
                            var inner = ClassifyTypeDeep(argument);
                            if (inner != null)
                            {
                                return inner;
                            }
                        }

                        return null;
                    default:
                        return null;
                }
            }

            return null;
        }

        /// <summary>Classifies a named type (not its type arguments).</summary>
        public CloudApi? ClassifyType(ITypeSymbol type)
        {
            if (type.TypeKind == TypeKind.Error || type.TypeKind == TypeKind.TypeParameter || type.TypeKind == TypeKind.Dynamic
                || type.SpecialType != SpecialType.None)
            {
                return null;
            }

            var result = _types.GetOrAdd(type.OriginalDefinition, ComputeType);
            return ReferenceEquals(result, NotCloud) ? null : result;
        }

        /// <summary>
        /// Classifies a member: a catalog entry gives its portable equivalent; a member of a catalog client type that is
        /// not in the catalog is a provider-only feature; other members take the classification of their type.
        /// </summary>
        public CloudApi? ClassifyMember(ISymbol member)
        {
            var result = _members.GetOrAdd(member.OriginalDefinition, ComputeMember);
            return ReferenceEquals(result, NotCloud) ? null : result;
        }

        /// <summary>The namespace's dotted name, cached per compilation.</summary>
        public string CachedNamespaceName(INamespaceSymbol ns) => _namespaceNames.GetOrAdd(ns, NamespaceName);

        public bool IsException(ITypeSymbol type)
        {
            if (_exceptionType == null)
            {
                return false;
            }

            for (var current = type; current != null; current = current.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(current, _exceptionType))
                {
                    return true;
                }
            }

            return false;
        }

        internal static string MetadataName(ITypeSymbol type)
        {
            var ns = type.ContainingNamespace;
            var name = type.ContainingType != null ? MetadataName(type.ContainingType) + "+" + type.MetadataName : type.MetadataName;
            return ns == null || ns.IsGlobalNamespace || type.ContainingType != null ? name : NamespaceName(ns) + "." + name;
        }

        internal static string NamespaceName(INamespaceSymbol ns) => ns.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat).Replace("global::", string.Empty);

        internal static string? ProviderForAssemblyName(string name)
        {
            foreach (var pair in NativeApiCatalog.CloudAssemblyPrefixes)
            {
                if (name.StartsWith(pair.Key, StringComparison.Ordinal))
                {
                    return pair.Value;
                }
            }

            return null;
        }

        internal static string PortableMember(string portableType, string member)
        {
            foreach (var c in member)
            {
                if (!char.IsLetterOrDigit(c) && c != '_')
                {
                    return portableType + " (" + member + ")";
                }
            }

            return portableType + "." + member;
        }

        private CloudApi ComputeType(ITypeSymbol type)
        {
            if (SymbolEqualityComparer.Default.Equals(type.ContainingAssembly, _sourceAssembly))
            {
                // Types declared in the code being analysed are never native SDK types, whatever their namespace.
                return NotCloud;
            }

            var fullName = MetadataName(type);
            if (LooseTypesByName.TryGetValue(fullName, out var loose))
            {
                return FromService(loose, loose.Portable);
            }

            if (ClientsByType.TryGetValue(fullName, out var client))
            {
                var ns = ClassifyNamespace(type.ContainingNamespace);
                return new CloudApi(ns?.Provider ?? string.Empty, ns?.Service ?? string.Empty, client.PortableType, false);
            }

            var byNamespace = type.ContainingNamespace == null ? null : ClassifyNamespace(type.ContainingNamespace);
            if (byNamespace != null)
            {
                return ProviderOnlyTypes.Contains(fullName)
                    ? new CloudApi(byNamespace.Provider, byNamespace.Service, null, false)
                    : byNamespace;
            }

            // DI and configuration glue that cloud SDKs put into Microsoft.Extensions.* namespaces.
            var assembly = type.ContainingAssembly;
            if (assembly != null && type.ContainingNamespace != null && NamespaceName(type.ContainingNamespace).StartsWith("Microsoft.Extensions.", StringComparison.Ordinal))
            {
                var provider = ProviderForAssemblyName(assembly.Name);
                if (provider != null)
                {
                    return new CloudApi(provider, "client registration", "services.AddPolycloud(configuration)", true);
                }
            }

            return NotCloud;
        }

        private CloudApi ComputeMember(ISymbol member)
        {
            var containing = member.ContainingType;
            if (containing == null)
            {
                return NotCloud;
            }

            var typeApi = ClassifyType(containing);
            if (typeApi == null)
            {
                return NotCloud;
            }

            if (ClientsByType.TryGetValue(MetadataName(containing.OriginalDefinition), out var client))
            {
                var name = member is IMethodSymbol { MethodKind: MethodKind.Constructor } ? null : member.Name;
                if (name == null)
                {
                    return typeApi;
                }

                foreach (var pair in client.Members)
                {
                    if (string.Equals(pair.Key, name, StringComparison.Ordinal))
                    {
                        return new CloudApi(typeApi.Provider, typeApi.Service, PortableMember(client.PortableType, pair.Value), false);
                    }
                }

                return new CloudApi(typeApi.Provider, typeApi.Service, null, false);
            }

            return typeApi;
        }

        private CloudApi? ClassifyNamespace(INamespaceSymbol ns)
        {
            if (ns.IsGlobalNamespace)
            {
                return null;
            }

            var result = _namespaces.GetOrAdd(ns, n =>
            {
                var name = NamespaceName(n);
                while (true)
                {
                    if (ServicesByNamespace.TryGetValue(name, out var entry))
                    {
                        return FromService(entry, entry.Portable);
                    }

                    var dot = name.LastIndexOf('.');
                    if (dot < 0)
                    {
                        return NotCloud;
                    }

                    name = name.Substring(0, dot);
                }
            });
            return ReferenceEquals(result, NotCloud) ? null : result;
        }

        private static CloudApi FromService(ServiceEntry entry, string? portable)
            => new CloudApi(entry.Provider, entry.Service, portable, entry.Kind == ServiceKind.Registration);

        private static Dictionary<string, ServiceEntry> BuildServiceIndex()
        {
            var index = new Dictionary<string, ServiceEntry>(StringComparer.Ordinal);
            foreach (var entry in NativeApiCatalog.Services)
            {
                index[entry.Name] = entry;
            }

            return index;
        }

        private static Dictionary<string, ServiceEntry> BuildLooseTypeIndex()
        {
            var index = new Dictionary<string, ServiceEntry>(StringComparer.Ordinal);
            foreach (var entry in NativeApiCatalog.LooseTypes)
            {
                index[entry.Name] = entry;
            }

            return index;
        }

        private static Dictionary<string, ClientEntry> BuildClientIndex()
        {
            var index = new Dictionary<string, ClientEntry>(StringComparer.Ordinal);
            foreach (var client in NativeApiCatalog.Clients)
            {
                foreach (var typeName in client.TypeNames)
                {
                    index[typeName] = client;
                }
            }

            return index;
        }
    }
}
