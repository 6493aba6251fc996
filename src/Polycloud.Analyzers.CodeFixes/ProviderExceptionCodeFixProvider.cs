using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace Polycloud.Analyzers.CodeFixes
{
    /// <summary>
    /// Fixes PC0004: rewrites <c>catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)</c> into
    /// <c>catch (CloudException e) when (e.ErrorCode == CloudErrorCode.NotFound)</c>. Offered only when the rewrite is
    /// mechanical: the filter (if any) compares status or error codes with constants the catalog maps, and the catch
    /// body uses the exception only as an <see cref="System.Exception"/>.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ProviderExceptionCodeFixProvider))]
    [Shared]
    public sealed class ProviderExceptionCodeFixProvider : CodeFixProvider
    {
        private const string Title = "Catch Polycloud.CloudException and test its ErrorCode";
        private const string CloudExceptionName = "Polycloud.CloudException";
        private const string CloudErrorCodeName = "Polycloud.CloudErrorCode";

        private static readonly HashSet<string> StatusProperties = new HashSet<string> { "StatusCode", "HttpStatusCode", "Status" };

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.ProviderExceptionCaught);

        /// <inheritdoc />
        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <inheritdoc />
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            if (root == null || model == null)
            {
                return;
            }

            foreach (var diagnostic in context.Diagnostics)
            {
                var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
                var catchClause = node.FirstAncestorOrSelf<CatchClauseSyntax>();
                if (catchClause?.Declaration == null)
                {
                    continue;
                }

                var plan = Plan(catchClause, model, context.CancellationToken);
                if (plan == null)
                {
                    continue;
                }

                context.RegisterCodeFix(
                    CodeAction.Create(
                        Title,
                        ct => ApplyAsync(context.Document, catchClause, plan, ct),
                        equivalenceKey: nameof(ProviderExceptionCodeFixProvider)),
                    diagnostic);
            }
        }

        private static RewritePlan? Plan(CatchClauseSyntax catchClause, SemanticModel model, CancellationToken cancellationToken)
        {
            var compilation = model.Compilation;
            if (compilation.GetTypeByMetadataName(CloudExceptionName) == null || compilation.GetTypeByMetadataName(CloudErrorCodeName) == null)
            {
                return null; // the project does not reference Polycloud: nothing to rewrite to
            }

            var exceptionType = compilation.GetTypeByMetadataName("System.Exception");
            var declaration = catchClause.Declaration!;
            var variable = declaration.Identifier.IsKind(SyntaxKind.None) ? null : model.GetDeclaredSymbol(declaration, cancellationToken);

            var filterReplacements = new Dictionary<SyntaxNode, ExpressionSyntax>();
            if (catchClause.Filter != null)
            {
                if (variable == null || !PlanFilter(catchClause.Filter.FilterExpression, variable, model, filterReplacements, cancellationToken))
                {
                    return null;
                }
            }

            if (variable != null)
            {
                foreach (var identifier in catchClause.Block.DescendantNodes())
                {
                    if (!(identifier is IdentifierNameSyntax name) || name.Identifier.ValueText != variable.Name
                        || !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol, variable))
                    {
                        continue;
                    }

                    if (!UsedAsPlainException(name, model, exceptionType, cancellationToken))
                    {
                        return null;
                    }
                }
            }

            return new RewritePlan(filterReplacements);
        }

        private static bool UsedAsPlainException(IdentifierNameSyntax name, SemanticModel model, INamedTypeSymbol? exceptionType, CancellationToken cancellationToken)
        {
            if (name.Parent is MemberAccessExpressionSyntax access && access.Expression == name)
            {
                var member = OriginalDefinition(model.GetSymbolInfo(access.Name, cancellationToken).Symbol);
                var owner = member?.ContainingType;
                return owner != null && (SymbolEqualityComparer.Default.Equals(owner, exceptionType) || owner.SpecialType == SpecialType.System_Object);
            }

            if (name.Parent is ThrowStatementSyntax || name.Parent is ThrowExpressionSyntax)
            {
                return true;
            }

            var converted = model.GetTypeInfo(name, cancellationToken).ConvertedType;
            return converted != null
                   && (SymbolEqualityComparer.Default.Equals(converted, exceptionType) || converted.SpecialType == SpecialType.System_Object);
        }

        /// <summary>Follows overrides (AmazonS3Exception.Message overrides Exception.Message) to the member that introduced it.</summary>
        private static ISymbol? OriginalDefinition(ISymbol? member)
        {
            for (var depth = 0; member != null && member.IsOverride && depth < 16; depth++)
            {
                member = member switch
                {
                    IPropertySymbol property => property.OverriddenProperty,
                    IMethodSymbol method => method.OverriddenMethod,
                    IEventSymbol @event => @event.OverriddenEvent,
                    _ => null,
                };
            }

            return member;
        }

        private static bool PlanFilter(ExpressionSyntax expression, ISymbol variable, SemanticModel model, Dictionary<SyntaxNode, ExpressionSyntax> replacements, CancellationToken cancellationToken)
        {
            switch (expression)
            {
                case ParenthesizedExpressionSyntax parenthesized:
                    return PlanFilter(parenthesized.Expression, variable, model, replacements, cancellationToken);
                case PrefixUnaryExpressionSyntax not when not.IsKind(SyntaxKind.LogicalNotExpression):
                    return PlanFilter(not.Operand, variable, model, replacements, cancellationToken);
                case BinaryExpressionSyntax logical when logical.IsKind(SyntaxKind.LogicalAndExpression) || logical.IsKind(SyntaxKind.LogicalOrExpression):
                    return PlanFilter(logical.Left, variable, model, replacements, cancellationToken)
                           && PlanFilter(logical.Right, variable, model, replacements, cancellationToken);
                case BinaryExpressionSyntax comparison when comparison.IsKind(SyntaxKind.EqualsExpression) || comparison.IsKind(SyntaxKind.NotEqualsExpression):
                    var (access, constant) = comparison.Left is MemberAccessExpressionSyntax
                        ? (comparison.Left as MemberAccessExpressionSyntax, comparison.Right)
                        : (comparison.Right as MemberAccessExpressionSyntax, comparison.Left);
                    if (access == null || !(access.Expression is IdentifierNameSyntax receiver)
                        || !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(receiver, cancellationToken).Symbol, variable))
                    {
                        return false;
                    }

                    var value = model.GetConstantValue(constant, cancellationToken);
                    if (!value.HasValue)
                    {
                        return false;
                    }

                    var propertyName = access.Name.Identifier.ValueText;
                    string? code = null;
                    if (StatusProperties.Contains(propertyName) && value.Value is System.IConvertible number && !(value.Value is string))
                    {
                        code = NativeApiCatalog.ErrorCodeForHttpStatus(number.ToInt32(System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else if (propertyName == "ErrorCode" && value.Value is string nativeCode)
                    {
                        code = NativeApiCatalog.ErrorCodeForNativeCode(nativeCode);
                    }

                    if (code == null)
                    {
                        return false;
                    }

                    var codeType = SyntaxFactory.ParseTypeName("global::" + CloudErrorCodeName)
                        .WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);
                    var replacement = SyntaxFactory.BinaryExpression(
                            comparison.Kind(),
                            SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, SyntaxFactory.IdentifierName(receiver.Identifier.ValueText), SyntaxFactory.IdentifierName("ErrorCode")),
                            SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, codeType, SyntaxFactory.IdentifierName(code)))
                        .NormalizeWhitespace()
                        .WithTriviaFrom(comparison);
                    replacements[comparison] = replacement;
                    return true;
                default:
                    return false;
            }
        }

        private static async Task<Document> ApplyAsync(Document document, CatchClauseSyntax catchClause, RewritePlan plan, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root == null)
            {
                return document;
            }

            var declaration = catchClause.Declaration!;
            var newType = SyntaxFactory.ParseTypeName("global::" + CloudExceptionName)
                .WithTriviaFrom(declaration.Type)
                .WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);

            var nodes = new List<SyntaxNode> { declaration.Type };
            nodes.AddRange(plan.FilterReplacements.Keys);
            var newRoot = root.ReplaceNodes(nodes, (original, _) => original == declaration.Type ? newType : plan.FilterReplacements[original]);
            if (newRoot is CompilationUnitSyntax unit && !HasPolycloudImport(unit, catchClause))
            {
                newRoot = unit.AddUsings(SyntaxFactory.UsingDirective(SyntaxFactory.ParseName("Polycloud")).WithAdditionalAnnotations(Formatter.Annotation));
            }

            return document.WithSyntaxRoot(newRoot);
        }

        private static bool HasPolycloudImport(CompilationUnitSyntax unit, CatchClauseSyntax catchClause)
        {
            foreach (var usingDirective in unit.Usings)
            {
                if (usingDirective.Alias == null && usingDirective.StaticKeyword.IsKind(SyntaxKind.None) && usingDirective.Name?.ToString() == "Polycloud")
                {
                    return true;
                }
            }

            foreach (var ns in catchClause.Ancestors())
            {
                if (ns is BaseNamespaceDeclarationSyntax declaration)
                {
                    var name = declaration.Name.ToString();
                    if (name == "Polycloud" || name.StartsWith("Polycloud.", System.StringComparison.Ordinal))
                    {
                        return true;
                    }

                    foreach (var usingDirective in declaration.Usings)
                    {
                        if (usingDirective.Alias == null && usingDirective.Name?.ToString() == "Polycloud")
                        {
                            return true;
                        }
                    }
                }
            }

            return false;
        }

        private sealed class RewritePlan
        {
            public RewritePlan(Dictionary<SyntaxNode, ExpressionSyntax> filterReplacements)
            {
                FilterReplacements = filterReplacements;
            }

            public Dictionary<SyntaxNode, ExpressionSyntax> FilterReplacements { get; }
        }
    }
}
