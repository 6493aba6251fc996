using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Polycloud.Analyzers
{
    /// <summary>
    /// Reports the Polycloud escape hatch to native clients (PC0006, informational): any generic <c>As&lt;T&gt;()</c> or
    /// <c>TryAs&lt;T&gt;(out T)</c> declared on a type in a <c>Polycloud</c> namespace, such as <c>BlobBucket.As&lt;IAmazonS3&gt;()</c>.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class EscapeHatchAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.NativeEscapeHatch);

        /// <inheritdoc />
        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(start =>
            {
                var options = new LockInOptions(start.Options.AnalyzerConfigOptionsProvider);
                var classifier = new CloudSymbolClassifier(start.Compilation);
                start.RegisterOperationAction(c => AnalyzeInvocation(c, options, classifier), OperationKind.Invocation);
            });
        }

        private static void AnalyzeInvocation(OperationAnalysisContext context, LockInOptions options, CloudSymbolClassifier classifier)
        {
            var method = ((IInvocationOperation)context.Operation).TargetMethod;
            if (!method.IsGenericMethod || (method.Name != "As" && method.Name != "TryAs") || !IsPolycloudType(method.ContainingType, classifier))
            {
                return;
            }

            if (options.IsAllowed(context.Operation.Syntax.SyntaxTree, context.ContainingSymbol))
            {
                return;
            }

            var target = method.TypeArguments[0];
            var api = classifier.ClassifyTypeDeep(target);
            var properties = ImmutableDictionary<string, string?>.Empty
                .Add(DiagnosticProperties.Provider, api?.Provider ?? "native")
                .Add(DiagnosticProperties.Service, api?.Service ?? "escape hatch");
            var display = method.ContainingType.Name + "." + method.Name + "<" + target.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) + ">";
            var location = context.Operation.Syntax is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access }
                ? access.Name.Identifier.GetLocation()
                : context.Operation.Syntax.GetLocation();
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.NativeEscapeHatch,
                location,
                properties,
                display,
                api == null ? string.Empty : " of " + api.Provider + " " + api.Service));
        }

        private static bool IsPolycloudType(INamedTypeSymbol? type, CloudSymbolClassifier classifier)
        {
            var ns = type?.ContainingNamespace;
            if (ns == null || ns.IsGlobalNamespace)
            {
                return false;
            }

            var name = classifier.CachedNamespaceName(ns);
            return name == "Polycloud" || name.StartsWith("Polycloud.", StringComparison.Ordinal);
        }
    }
}
