using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Polycloud.Analyzers
{
    /// <summary>
    /// Reads the analyzers' <c>.editorconfig</c> / <c>.globalconfig</c> settings once per syntax tree:
    /// <list type="bullet">
    /// <item><c>polycloud_native_sdk_allowed = true</c>: the file is an adapter layer; no lock-in rule reports in it.</item>
    /// <item><c>polycloud_allowed_namespaces = MyApp.Adapters, MyApp.Infrastructure.Aws</c>: code in these namespaces (and their children) is an adapter layer.</item>
    /// <item><c>polycloud_allowed_files = **/Adapters/**, src/Infra/*.cs</c>: files matching these globs are adapter layers.</item>
    /// </list>
    /// Severities are the standard <c>dotnet_diagnostic.PC000x.severity</c> settings.
    /// </summary>
    internal sealed class LockInOptions
    {
        internal const string NativeSdkAllowedKey = "polycloud_native_sdk_allowed";
        internal const string AllowedNamespacesKey = "polycloud_allowed_namespaces";
        internal const string AllowedFilesKey = "polycloud_allowed_files";

        private static readonly char[] Separators = { ',', ';', ' ', '\t' };

        private readonly AnalyzerConfigOptionsProvider _provider;
        private readonly ConcurrentDictionary<SyntaxTree, FileSettings> _files = new ConcurrentDictionary<SyntaxTree, FileSettings>();
        private readonly ConcurrentDictionary<string, Regex> _globs = new ConcurrentDictionary<string, Regex>(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<INamespaceSymbol, string> _namespaceNames = new ConcurrentDictionary<INamespaceSymbol, string>(SymbolEqualityComparer.Default);

        public LockInOptions(AnalyzerConfigOptionsProvider provider)
        {
            _provider = provider;
        }

        /// <summary>Whether code at <paramref name="tree"/>, inside <paramref name="containingSymbol"/>, may use native SDKs.</summary>
        public bool IsAllowed(SyntaxTree tree, ISymbol? containingSymbol)
        {
            var settings = _files.GetOrAdd(tree, Read);
            if (settings.WholeFileAllowed)
            {
                return true;
            }

            if (settings.AllowedNamespaces.Length == 0 || containingSymbol == null)
            {
                return false;
            }

            var ns = containingSymbol as INamespaceSymbol ?? containingSymbol.ContainingNamespace;
            if (ns == null || ns.IsGlobalNamespace)
            {
                return false;
            }

            var name = _namespaceNames.GetOrAdd(ns, CloudSymbolClassifier.NamespaceName);
            foreach (var allowed in settings.AllowedNamespaces)
            {
                if (name.StartsWith(allowed, StringComparison.Ordinal)
                    && (name.Length == allowed.Length || name[allowed.Length] == '.'))
                {
                    return true;
                }
            }

            return false;
        }

        private FileSettings Read(SyntaxTree tree)
        {
            var options = _provider.GetOptions(tree);
            if (options.TryGetValue(NativeSdkAllowedKey, out var allowedValue)
                && string.Equals(allowedValue.Trim(), "true", StringComparison.OrdinalIgnoreCase))
            {
                return FileSettings.AllowAll;
            }

            if (options.TryGetValue(AllowedFilesKey, out var files) && !string.IsNullOrWhiteSpace(tree.FilePath))
            {
                var path = tree.FilePath.Replace('\\', '/');
                foreach (var glob in files.Split(Separators, StringSplitOptions.RemoveEmptyEntries))
                {
                    if (_globs.GetOrAdd(glob, GlobToRegex).IsMatch(path))
                    {
                        return FileSettings.AllowAll;
                    }
                }
            }

            var namespaces = Array.Empty<string>();
            if (options.TryGetValue(AllowedNamespacesKey, out var list))
            {
                var parsed = new List<string>();
                foreach (var raw in list.Split(Separators, StringSplitOptions.RemoveEmptyEntries))
                {
                    var item = raw.EndsWith(".*", StringComparison.Ordinal) ? raw.Substring(0, raw.Length - 2) : raw;
                    if (item.Length > 0)
                    {
                        parsed.Add(item);
                    }
                }

                namespaces = parsed.ToArray();
            }

            return new FileSettings(false, namespaces);
        }

        /// <summary>
        /// Converts a glob to a regex matched against the end of the path: <c>**</c> crosses folders, <c>*</c> and <c>?</c>
        /// stay within one path segment. A glob without a leading <c>/</c> may match at any folder boundary.
        /// </summary>
        internal static Regex GlobToRegex(string glob)
        {
            var pattern = new StringBuilder();
            pattern.Append(glob.StartsWith("/", StringComparison.Ordinal) ? "^" : "(^|/)");
            for (var i = 0; i < glob.Length; i++)
            {
                var c = glob[i];
                if (c == '*' && i + 1 < glob.Length && glob[i + 1] == '*')
                {
                    i++;
                    if (i + 1 < glob.Length && glob[i + 1] == '/')
                    {
                        i++;
                        pattern.Append("(.*/)?");
                    }
                    else
                    {
                        pattern.Append(".*");
                    }
                }
                else if (c == '*')
                {
                    pattern.Append("[^/]*");
                }
                else if (c == '?')
                {
                    pattern.Append("[^/]");
                }
                else
                {
                    pattern.Append(Regex.Escape(c.ToString()));
                }
            }

            pattern.Append('$');
            return new Regex(pattern.ToString(), RegexOptions.CultureInvariant | RegexOptions.Compiled);
        }

        private sealed class FileSettings
        {
            public static readonly FileSettings AllowAll = new FileSettings(true, Array.Empty<string>());

            public FileSettings(bool wholeFileAllowed, string[] allowedNamespaces)
            {
                WholeFileAllowed = wholeFileAllowed;
                AllowedNamespaces = allowedNamespaces;
            }

            public bool WholeFileAllowed { get; }

            public string[] AllowedNamespaces { get; }
        }
    }
}
