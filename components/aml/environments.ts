/**
 * Curated Azure ML environments the package defaults to. Pure (no SDK
 * import), so the driver's spec rules can read them without loading Pulumi.
 */

/**
 * A curated environment for scoring: Python 3.10 with scikit-learn, pandas
 * and azureml-core, which batch deployments need
 * (Azure/azureml-assets, assets/training/general/environments/sklearn-1.5/context/conda_dependencies.yaml).
 */
export const DEFAULT_SCORING_ENVIRONMENT = "azureml://registries/azureml/environments/sklearn-1.5/labels/latest";
