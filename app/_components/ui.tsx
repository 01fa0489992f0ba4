// The few building blocks every page uses, so that every page looks and behaves alike.
// Import them from here.
export { Button, ButtonLink, buttonClass } from "./button";
export { PageHeader } from "./page-header";
export { Card, Stat } from "./card";
export { EmptyState, ComingSoon } from "./empty-state";
export { StackedTr, Table, Td } from "./table";
export { Badge, Alert } from "./feedback";
export { FormField } from "./form-field";
