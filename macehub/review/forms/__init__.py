"""GOV.UK forms for the review layer (one module per part of the review)."""
