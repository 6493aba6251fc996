using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Polycloud.Analyzers
{
    /// <summary>Reports cloud coordinates hard-coded in string literals (PC0005).</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class CloudCoordinateAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.HardCodedCloudCoordinate);

        /// <inheritdoc />
        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(start =>
            {
                var options = new LockInOptions(start.Options.AnalyzerConfigOptionsProvider);
                start.RegisterOperationAction(
                    operationContext => AnalyzeLiteral(operationContext, options),
                    OperationKind.Literal);
            });
        }

        private static void AnalyzeLiteral(OperationAnalysisContext context, LockInOptions options)
        {
            var literal = (ILiteralOperation)context.Operation;
            if (!(literal.ConstantValue.HasValue && literal.ConstantValue.Value is string value))
            {
                return;
            }

            var found = CloudCoordinates.Find(value);
            if (found == null || options.IsAllowed(literal.Syntax.SyntaxTree, context.ContainingSymbol))
            {
                return;
            }

            var coordinate = found.Value;
            var properties = ImmutableDictionary<string, string?>.Empty
                .Add(DiagnosticProperties.Provider, coordinate.Provider)
                .Add(DiagnosticProperties.Service, "coordinates")
                .Add(DiagnosticProperties.Portable, "configuration");
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.HardCodedCloudCoordinate,
                literal.Syntax.GetLocation(),
                properties,
                coordinate.Kind,
                coordinate.Text));
        }
    }
}
